using System.Text;

namespace OrleansGateway.Frontend.Operations;

/// <summary>
/// The frontend's operations page asks for a gateway key the way a browser can give it, like the silos' dashboard:
/// HTTP Basic with any user name and the key as password, besides <c>X-API-Key</c> and <c>Authorization: Bearer</c>
/// for scripts. Only the configured gateway keys (<see cref="ApiKeyValidator"/>) are accepted; open when none is set.
/// </summary>
public sealed class OperationsPageKeyFilter(ApiKeyValidator validator) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!validator.Enabled || IsAuthorized(context.HttpContext.Request))
        {
            return next(context);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"Gateway operations\", charset=\"UTF-8\"";
        return ValueTask.FromResult<object?>(TypedResults.Text(
            "The operations page needs a gateway key: as the password (HTTP Basic, any user name), or as X-API-Key or Authorization: Bearer.",
            statusCode: StatusCodes.Status401Unauthorized));
    }

    private bool IsAuthorized(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-API-Key", out var apiKey) && validator.IsValid(apiKey.ToString().AsSpan().Trim()))
        {
            return true;
        }

        var authorization = request.Headers.Authorization.ToString().Trim();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return validator.IsValid(authorization.AsSpan("Bearer ".Length).Trim());
        }

        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon >= 0 && validator.IsValid(decoded.AsSpan(colon + 1));
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
