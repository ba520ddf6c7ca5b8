using OrleansGateway.Hosting;
using OrleansGateway.Frontend.Auth;
using OrleansGateway.Frontend.Batch;
using OrleansGateway.Frontend.Errors;
using OrleansGateway.Frontend.Health;
using OrleansGateway.Frontend.Hosting;
using OrleansGateway.Frontend.Llm;
using OrleansGateway.Frontend.OpenAi;
using OrleansGateway.Frontend.Operations;
using OrleansGateway.Frontend.Telemetry;

InlineSocketCompletions.EnableUnlessConfigured();
var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayOrleans();
builder.AddGatewayFrontend();
builder.AddGatewayBatchApi();

var app = builder.Build();

app.UseRequestId();
app.UseGatewayErrors();
app.UseGatewayAuth();

app.MapHealthApi();
app.MapLlmApi();
app.MapOpenAiApi();
app.MapProviderStatusApi();
app.MapBatchApi();

return await app.RunGatewayHostAsync("frontend");

/// <summary>The frontend host; public for <c>WebApplicationFactory</c>.</summary>
public partial class Program;
