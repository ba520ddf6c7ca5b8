namespace OrleansGateway.Silo.Health;

/// <summary>The body of the silo's <c>GET /health</c>; the same shape as the frontend's.</summary>
public sealed record SiloHealthResponse(
    string Status,
    string Service,
    string Version,
    long Timestamp,
    string Mode,
    bool SiloResponding,
    IReadOnlyList<SiloMemberInfo> Silos);
