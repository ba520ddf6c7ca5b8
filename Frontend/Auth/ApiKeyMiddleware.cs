using Microsoft.AspNetCore.Authorization;
using OrleansGateway.Errors;
using OrleansGateway.Frontend.Http;

namespace OrleansGateway.Frontend.Auth;

/// <summary>
/// Requires <c>X-API-Key: &lt;key&gt;</c> or <c>Authorization: Bearer &lt;key&gt;</c> when keys are
/// configured, on every endpoint but those whose group is open (<see cref="IAllowAnonymous"/>, the
/// health check) and on every path no endpoint matched; both surfaces accept both headers. A refusal
/// is a 401 <see cref="ErrorResult"/> in the request's surface's shape.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyValidator validator)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!validator.Enabled || IsOpen(context) || IsAuthorized(context.Request))
        {
            return next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        var message = HasCredentials(context.Request)
            ? "Invalid API key."
            : "Missing API key: send 'X-API-Key: <key>' or 'Authorization: Bearer <key>'.";
        return ErrorResult.WriteAsync(context, new GatewayError(GatewayErrorKind.Unauthenticated, message));
    }

    /// <summary>Whether the endpoint's group is served without a key.</summary>
    private static bool IsOpen(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null;

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
