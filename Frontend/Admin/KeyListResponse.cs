namespace OrleansGateway.Frontend.Admin;

/// <summary>A page of <c>GET /admin/keys</c> (never with secrets).</summary>
public sealed record KeyListResponse(string Object, IReadOnlyList<KeyObject> Data, string? FirstId, string? LastId, bool HasMore);
