namespace OrleansGateway.Frontend.Admin;

/// <summary><c>GET /admin/keys/{id}/usage</c> and <c>GET /v1/usage</c>: requests, tokens and spend per model per day, oldest first.</summary>
public sealed record KeyUsageResponse(string Object, string KeyId, IReadOnlyList<KeyUsageItem> Data);
