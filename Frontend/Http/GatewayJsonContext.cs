using System.Text.Json.Serialization;
using OrleansGateway.Hosting.Health;

namespace OrleansGateway.Frontend.Http;

/// <summary>
/// Source-generated JSON for every wire type of every surface, requests, answers and stream events
/// alike (snake_case, strict numbers, no comments, no reflection on the hot path). One context: the
/// four the gateway had repeated these options, and a type's metadata is built once either way.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(LlmGenerationRequest))]
[JsonSerializable(typeof(LlmTextResponse))]
[JsonSerializable(typeof(LlmErrorResponse))]
[JsonSerializable(typeof(LlmStreamEvent))]
[JsonSerializable(typeof(RootResponse))]
[JsonSerializable(typeof(ProvidersResponse))]
[JsonSerializable(typeof(ClassificationResponse))]
[JsonSerializable(typeof(SummarizationResponse))]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(OpenAiErrorResponse))]
[JsonSerializable(typeof(ModelsResponse))]
[JsonSerializable(typeof(ModelEntry))]
[JsonSerializable(typeof(EmbeddingsCreateRequest))]
[JsonSerializable(typeof(BatchGenerateRequest))]
[JsonSerializable(typeof(BatchSubmitResponse))]
[JsonSerializable(typeof(BatchJobResponse))]
[JsonSerializable(typeof(BatchResultItem))]
[JsonSerializable(typeof(BatchListResponse))]
[JsonSerializable(typeof(FileObject))]
[JsonSerializable(typeof(FileListResponse))]
[JsonSerializable(typeof(FileDeletedResponse))]
[JsonSerializable(typeof(KeyRequest))]
[JsonSerializable(typeof(KeyObject))]
[JsonSerializable(typeof(KeyListResponse))]
[JsonSerializable(typeof(KeyUsageResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ProviderStatusResponse))]
public sealed partial class GatewayJsonContext : JsonSerializerContext;
