using System.Security.Cryptography;
using System.Text;

namespace OrleansGateway.Silo.Dashboard;

/// <summary>
/// When <c>SECRET_TOKEN</c> is set, the dashboard under <see cref="PathPrefix"/> (and the operations page beside it) asks for it the way a
/// browser can give it: HTTP Basic with any user name and the token as password (or
/// <c>Authorization: Bearer &lt;token&gt;</c> for scripts).
/// </summary>
public sealed class DashboardAuthMiddleware(RequestDelegate next, IConfiguration configuration)
{
    /// <summary>Where the dashboard is mapped.</summary>
    public const string PathPrefix = "/dashboard";

    private readonly byte[]? _tokenDigest = configuration["SECRET_TOKEN"] is { Length: > 0 } token
        ? string.IsNullOrWhiteSpace(token)
            ? throw new InvalidOperationException("SECRET_TOKEN is set but blank: give it a key, or remove the setting to serve the dashboard without authentication.")
            : Digest(token.Trim())
        : null;

    public Task InvokeAsync(HttpContext context)
    {
        if (_tokenDigest is null || !IsProtected(context.Request.Path) || IsAuthorized(context.Request))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"Orleans Dashboard\", charset=\"UTF-8\"";
        return context.Response.WriteAsync("The dashboard needs SECRET_TOKEN as the password (HTTP Basic, any user name).");
    }

    /// <summary>The dashboard and, beside it, the gateway's operations page.</summary>
    private static bool IsProtected(PathString path) =>
        path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(OrleansGateway.Hosting.Operations.OperationsPageApi.DefaultPrefix, StringComparison.OrdinalIgnoreCase);

    private bool IsAuthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        string? candidate = null;
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                candidate = colon >= 0 ? decoded[(colon + 1)..] : null;
            }
            catch (FormatException)
            {
                return false;
            }
        }
        else if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            candidate = header["Bearer ".Length..].Trim();
        }

        return candidate is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(Digest(candidate), _tokenDigest);
    }

    private static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
