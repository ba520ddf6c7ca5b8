namespace OrleansGateway.Frontend.Llm;

/// <summary>The body of <c>GET /llm/providers</c>.</summary>
public sealed record ProvidersResponse(string Status, IReadOnlyList<string> Providers);
