using OrleansGateway.Errors;
using OrleansGateway.Frontend.Errors;

namespace OrleansGateway.Frontend.Auth;

/// <summary>
/// Requires <c>X-API-Key: &lt;key&gt;</c> or <c>Authorization: Bearer &lt;key&gt;</c> on every path
/// but <c>/health</c> when keys are configured; both surfaces accept both headers.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyValidator validator)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!validator.Enabled || IsOpenPath(context.Request.Path) || IsAuthorized(context.Request))
        {
            return next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        var message = HasCredentials(context.Request)
            ? "Invalid API key."
            : "Missing API key: send 'X-API-Key: <key>' or 'Authorization: Bearer <key>'.";
        return ApiSurface.WriteErrorAsync(context, new GatewayError(GatewayErrorKind.InvalidRequest, message), StatusCodes.Status401Unauthorized);
    }

    /// <summary>Paths served without a key: the health check (and the dashboard, which has its own).</summary>
    private static bool IsOpenPath(PathString path) => path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);

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
