namespace OrleansGateway.Frontend.Operations;

/// <summary>The body of <c>GET /v1/providers</c>.</summary>
public sealed record ProviderStatusResponse(string Object, IReadOnlyList<ProviderStatusEntry> Data);
