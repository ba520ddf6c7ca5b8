namespace OrleansGateway.Frontend.Llm;

/// <summary>The body of <c>GET /</c>.</summary>
public sealed record RootResponse(string Status, string ApiStatus, IReadOnlyList<string> Providers);
