using Microsoft.AspNetCore.Authorization;
using OrleansGateway.Errors;

namespace OrleansGateway.Frontend.Auth;

/// <summary>
/// Requires a key in <c>X-API-Key: &lt;key&gt;</c> or <c>Authorization: Bearer &lt;key&gt;</c> (both surfaces
/// accept both) on every endpoint but those whose group is open (<see cref="IAllowAnonymous"/>, the health
/// check) and on every path no endpoint matched: an admin key (<c>SECRET_TOKEN</c>, <c>API_KEYS</c>;
/// without one configured the gateway is open), or a virtual key (<c>sk-gw-...</c>), whose id and settings
/// then go with the request (<see cref="VirtualKeyScope"/>) for the dispatchers to enforce its limits. A
/// virtual key on an admin-only endpoint (<see cref="AdminOnlyMetadata"/>) is a 403; a missing or unknown key
/// a 401; both an <see cref="ErrorResult"/> in the request's surface's shape.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyValidator validator, VirtualKeyAuthenticator virtualKeys)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (IsOpen(context))
        {
            return next(context);
        }

        var credential = Credential(context.Request);
        if (VirtualKeySecret.LooksLikeOne(credential) && !validator.IsValidVirtualShaped(credential))
        {
            return InvokeWithVirtualKeyAsync(context, virtualKeys.AuthenticateAsync(credential));
        }

        if (!validator.Enabled || IsAuthorized(context.Request))
        {
            return next(context);
        }

        return RefuseAsync(context);
    }

    // Async (not a synchronous fast path) on purpose: the scope set below must end with this request's part of
    // the pipeline, which only an async method's own execution context guarantees.
    private async Task InvokeWithVirtualKeyAsync(HttpContext context, ValueTask<VirtualKeyCaller?> authentication)
    {
        if (await authentication is not { } caller)
        {
            await RefuseAsync(context);
            return;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<AdminOnlyMetadata>() is not null)
        {
            await ErrorResult.WriteAsync(context, new GatewayError(GatewayErrorKind.PermissionDenied,
                "A virtual key cannot use the admin API; use an admin key (SECRET_TOKEN or API_KEYS)."));
            return;
        }

        context.Items[typeof(VirtualKeyCaller)] = caller;
        VirtualKeyScope.Current = caller;
        await next(context);
    }

    private static Task RefuseAsync(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        var message = HasCredentials(context.Request)
            ? "Invalid API key."
            : "Missing API key: send 'X-API-Key: <key>' or 'Authorization: Bearer <key>'.";
        return ErrorResult.WriteAsync(context, new GatewayError(GatewayErrorKind.Unauthenticated, message));
    }

    /// <summary>Whether the endpoint's group is served without a key.</summary>
    private static bool IsOpen(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    /// <summary>The presented key: <c>X-API-Key</c>, else the bearer token; empty when neither.</summary>
    private static ReadOnlySpan<char> Credential(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-API-Key", out var apiKey) && apiKey.ToString().AsSpan().Trim() is { IsEmpty: false } key)
        {
            return key;
        }

        var authorization = request.Headers.Authorization.ToString().AsSpan().Trim();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : [];
    }

    private bool IsAuthorized(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-API-Key", out var apiKey) && validator.IsValid(apiKey.ToString().AsSpan().Trim()))
        {
            return true;
        }

        var authorization = request.Headers.Authorization.ToString().AsSpan().Trim();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && validator.IsValid(authorization["Bearer ".Length..].Trim());
    }

    private static bool HasCredentials(HttpRequest request) =>
        request.Headers.ContainsKey("X-API-Key") || request.Headers.ContainsKey("Authorization");
}
