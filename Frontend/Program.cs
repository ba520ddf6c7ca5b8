using OrleansGateway.Hosting;
using OrleansGateway.Hosting.Telemetry;
using OrleansGateway.Frontend.Auth;
using OrleansGateway.Frontend.Batch;
using OrleansGateway.Frontend.Embeddings;
using OrleansGateway.Frontend.Errors;
using OrleansGateway.Frontend.Files;
using OrleansGateway.Frontend.Health;
using OrleansGateway.Frontend.Hosting;
using OrleansGateway.Frontend.Llm;
using OrleansGateway.Frontend.OpenAi;
using OrleansGateway.Frontend.Operations;
using OrleansGateway.Frontend.Telemetry;

InlineSocketCompletions.EnableUnlessConfigured();
var builder = WebApplication.CreateBuilder(GatewayContentRoot.BuilderOptions(args));

builder.AddGatewayOrleans();
builder.AddGatewayTelemetry();
builder.AddGatewayFrontend();
builder.AddGatewayBatchApi();
builder.AddGatewayFilesApi();
builder.Services.AddGatewayOpenApi();

var app = builder.Build();

app.UseRequestId();
app.UseGatewayTelemetry();
app.UseGatewayErrors();
app.UseGatewayAuth();

app.MapHealthApi();
app.MapLlmApi();
app.MapOpenAiApi();
app.MapEmbeddingsApi();
app.MapProviderStatusApi();
app.MapBatchApi();
app.MapFilesApi();
app.MapGatewayOpenApi();

return await app.RunGatewayHostAsync("frontend");

/// <summary>The frontend host; public for <c>WebApplicationFactory</c>.</summary>
public partial class Program;
