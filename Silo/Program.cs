using OrleansGateway.Hosting;
using OrleansGateway.Hosting.Operations;
using OrleansGateway.Operations;
using OrleansGateway.Hosting.Telemetry;
using Orleans.Dashboard;
using OrleansGateway.Silo.Dashboard;
using OrleansGateway.Silo.Health;
using OrleansGateway.Silo.Hosting;

InlineSocketCompletions.EnableUnlessConfigured();
BufferedConsoleOutput.EnableUnlessConfigured();
var builder = WebApplication.CreateBuilder(GatewayContentRoot.BuilderOptions(args));

builder.AddGatewaySilo();
builder.Services.AddGatewayOperations("silo", DashboardAuthMiddleware.PathPrefix + "/");
builder.AddGatewayTelemetry();

var app = builder.Build();

app.UseGatewayMetricsEndpoint();
app.UseDashboardAuth();

app.MapSiloHealthApi();
app.MapOrleansDashboard(routePrefix: DashboardAuthMiddleware.PathPrefix);
app.MapOperationsPage();

return await app.RunGatewayHostAsync("silo");

/// <summary>The silo host; public for tests.</summary>
public partial class Program;
