using OrleansGateway.Hosting;
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
using OrleansGateway.Operations;

InlineSocketCompletions.EnableUnlessConfigured();
var builder = WebApplication.CreateBuilder(GatewayContentRoot.BuilderOptions(args));

builder.AddGatewayOrleans();
builder.AddGatewayFrontend();
builder.AddGatewayBatchApi();
builder.AddGatewayFilesApi();
builder.Services.AddGatewayOperations("frontend");

var app = builder.Build();

app.UseRequestId();
app.UseGatewayErrors();
app.UseGatewayAuth();

app.MapHealthApi();
app.MapLlmApi();
app.MapOpenAiApi();
app.MapEmbeddingsApi();
app.MapProviderStatusApi();
app.MapBatchApi();
app.MapFilesApi();
app.MapOperationsPage();

return await app.RunGatewayHostAsync("frontend");

/// <summary>The frontend host; public for <c>WebApplicationFactory</c>.</summary>
public partial class Program;
