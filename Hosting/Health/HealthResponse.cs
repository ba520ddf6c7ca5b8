namespace OrleansGateway.Hosting.Health;

/// <summary>The body of <c>GET /health</c>, on a frontend and on a silo alike.</summary>
public sealed record HealthResponse(
    string Status,
    string Service,
    string Version,
    long Timestamp,
    string Mode,
    bool SiloResponding,
    IReadOnlyList<SiloMember> Silos);
