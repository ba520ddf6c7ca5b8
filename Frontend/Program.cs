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
