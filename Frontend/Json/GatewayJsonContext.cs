using System.Text.Json.Serialization;
using OrleansGateway.Frontend.Embeddings;
using OrleansGateway.Frontend.Health;
using OrleansGateway.Frontend.Llm;
using OrleansGateway.Frontend.OpenAi;
using OrleansGateway.Frontend.Operations;

namespace OrleansGateway.Frontend.Json;

/// <summary>Source-generated JSON for every wire type of both surfaces (snake_case, no reflection on the hot path).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(LlmGenerationRequest))]
[JsonSerializable(typeof(LlmTextResponse))]
[JsonSerializable(typeof(LlmErrorResponse))]
[JsonSerializable(typeof(RootResponse))]
[JsonSerializable(typeof(ProvidersResponse))]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(OpenAiErrorResponse))]
[JsonSerializable(typeof(ModelsResponse))]
[JsonSerializable(typeof(ModelEntry))]
[JsonSerializable(typeof(EmbeddingsCreateRequest))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ProviderStatusResponse))]
public sealed partial class GatewayJsonContext : JsonSerializerContext;
