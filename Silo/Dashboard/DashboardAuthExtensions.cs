namespace OrleansGateway.Silo.Dashboard;

/// <summary>Adds <see cref="DashboardAuthMiddleware"/> to the pipeline.</summary>
public static class DashboardAuthExtensions
{
    public static IApplicationBuilder UseDashboardAuth(this IApplicationBuilder app) => app.UseMiddleware<DashboardAuthMiddleware>();
}
