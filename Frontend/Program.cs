using OrleansGateway.Frontend.Admin;
using OrleansGateway.Frontend.Auth;
using OrleansGateway.Frontend.Health;
using OrleansGateway.Frontend.Hosting;
using OrleansGateway.Frontend.Keys;
using OrleansGateway.Frontend.Llm;
using OrleansGateway.Frontend.Llm.Classification;
using OrleansGateway.Frontend.Llm.Streaming;
using OrleansGateway.Frontend.Llm.Summarization;
using OrleansGateway.Frontend.OpenAi;
using OrleansGateway.Frontend.OpenAi.Batch;
using OrleansGateway.Frontend.OpenAi.Batches;
using OrleansGateway.Frontend.OpenAi.Chat;
using OrleansGateway.Frontend.OpenAi.Embeddings;
using OrleansGateway.Frontend.OpenAi.Files;
using OrleansGateway.Frontend.OpenAi.Models;
using OrleansGateway.Frontend.Operations;
using OrleansGateway.Frontend.Telemetry;
using OrleansGateway.Hosting;
using OrleansGateway.Operations;
using OrleansGateway.Hosting.Telemetry;

InlineSocketCompletions.EnableUnlessConfigured();
BufferedConsoleOutput.EnableUnlessConfigured();
var builder = WebApplication.CreateBuilder(GatewayContentRoot.BuilderOptions(args));

builder.AddGatewayOrleans();
builder.AddGatewayTelemetry();
builder.AddGatewayFrontend();
builder.AddGatewayBatchApi();
builder.AddGatewayFilesApi();
builder.AddGatewayBatchesApi();
builder.Services.AddGatewayOperations("frontend");
builder.Services.AddGatewayOpenApi();

var app = builder.Build();

app.UseGatewayRequestTelemetry();
app.UseRequestId();
app.UseGatewayMetricsEndpoint();
app.UseGatewayErrors();
app.UseGatewayAuth();

// Open: GET /health.
app.MapHealthApi();

// The documented API: GET /, /llm/* (its error body, gateway keys).
app.MapLlmSurface()
    .MapGenerationApi()
    .MapGenerationStreamApi()
    .MapClassificationApi()
    .MapSummarizationApi();

// The OpenAI-compatible API: /v1/* (OpenAI's error object, gateway keys).
app.MapOpenAiSurface()
    .MapChatCompletionsApi()
    .MapModelsApi()
    .MapEmbeddingsApi()
    .MapProviderStatusApi()
    .MapBatchApi()
    .MapFilesApi()
    .MapBatchesApi()
    .MapUsageApi();

// The admin API: /admin/* (OpenAI's error object, the admin keys only).
app.MapAdminSurface()
    .MapKeysApi();

// The operations page (issue 18): GET /operations, its assets and /operations/status (gateway keys, HTTP Basic too).
app.MapFrontendOperationsPage();

// The API description: /openapi/v1.json and its reference page /scalar/v1 (gateway keys).
app.MapGatewayOpenApi();

return await app.RunGatewayHostAsync("frontend");

/// <summary>The frontend host; public for <c>WebApplicationFactory</c>.</summary>
public partial class Program;
