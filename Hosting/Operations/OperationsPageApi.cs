using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OrleansGateway.Operations;

namespace OrleansGateway.Hosting.Operations;

/// <summary>
/// The operations page under a prefix (default <see cref="DefaultPrefix"/>): <c>GET {prefix}</c> the page,
/// <c>{prefix}/operations.css</c> and <c>{prefix}/operations.js</c> its assets, <c>{prefix}/status</c> the JSON it polls
/// every two seconds (<see cref="OperationsStatus"/>). Served by frontends and silos alike; the host's own
/// authentication guards the prefix.
/// </summary>
public static class OperationsPageApi
{
    public const string DefaultPrefix = "/operations";

    /// <summary>Maps the page and its status JSON on <paramref name="app"/> under <paramref name="prefix"/>.</summary>
    public static RouteGroupBuilder MapOperationsPage(this IEndpointRouteBuilder app, string prefix = DefaultPrefix)
    {
        var group = app.MapGroup(prefix).WithTags("operations");
        // The page and its assets are not an API; the status JSON it polls is, and is described.
        group.MapGet("/", GetPage).ExcludeFromDescription();
        group.MapGet("/operations.css", GetCss).ExcludeFromDescription();
        group.MapGet("/operations.js", GetScript).ExcludeFromDescription();
        group.MapGet("/status", GetStatusAsync).WithSummary("Providers and batch jobs as the operations page shows them.");
        return group;
    }

    public static FileContentHttpResult GetPage(HttpContext context, OperationsHost host)
    {
        context.Response.Headers.CacheControl = "no-cache";
        var prefix = context.Request.PathBase + context.Request.Path.Value!.TrimEnd('/');
        return TypedResults.File(OperationsPageAssets.Page(prefix, host.DashboardPath), "text/html; charset=utf-8");
    }

    public static FileContentHttpResult GetCss() => TypedResults.File(OperationsPageAssets.Css, "text/css; charset=utf-8");

    public static FileContentHttpResult GetScript() => TypedResults.File(OperationsPageAssets.Script, "text/javascript; charset=utf-8");

    public static async Task<JsonHttpResult<OperationsStatus>> GetStatusAsync(HttpContext context, OperationsStatusReader reader, OperationsHost host, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(await reader.ReadAsync(host.Name, cancellationToken), OperationsJsonContext.Default.OperationsStatus);
    }
}
