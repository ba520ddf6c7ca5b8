namespace OrleansGateway.Frontend.Auth;

/// <summary>Endpoint metadata: only the admin keys (<c>SECRET_TOKEN</c>, <c>API_KEYS</c>) may call it; a virtual key gets 403.</summary>
public sealed class AdminOnlyMetadata
{
    public static readonly AdminOnlyMetadata Instance = new();
}
