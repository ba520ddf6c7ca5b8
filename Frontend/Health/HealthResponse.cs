namespace OrleansGateway.Frontend.Health;

/// <summary>The body of <c>GET /health</c>.</summary>
public sealed record HealthResponse(
    string Status,
    string Service,
    string Version,
    long Timestamp,
    string Mode,
    bool SiloResponding,
    IReadOnlyList<SiloMember> Silos);
