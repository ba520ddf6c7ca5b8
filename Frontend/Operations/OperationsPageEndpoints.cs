using OrleansGateway.Hosting.Operations;

namespace OrleansGateway.Frontend.Operations;

/// <summary>The operations page on a frontend: the shared page and status JSON, behind <see cref="OperationsPageKeyFilter"/>.</summary>
public static class OperationsPageEndpoints
{
    /// <summary>Maps <c>/operations</c>; the group is taken out of the key middleware only to be guarded by the filter, which also takes HTTP Basic.</summary>
    public static RouteGroupBuilder MapFrontendOperationsPage(this IEndpointRouteBuilder app)
    {
        var group = app.MapOperationsPage();
        group.AllowAnonymous();
        group.AddEndpointFilter<OperationsPageKeyFilter>();
        return group;
    }
}
