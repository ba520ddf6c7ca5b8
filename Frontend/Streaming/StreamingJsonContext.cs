using System.Text.Json.Serialization;
using OrleansGateway.Frontend.Llm;
using OrleansGateway.Frontend.OpenAi;

namespace OrleansGateway.Frontend.Streaming;

/// <summary>Source-generated JSON for the events of both stream formats (snake_case, like the rest of the wire).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(LlmStreamEvent))]
[JsonSerializable(typeof(OpenAiErrorResponse))]
[JsonSerializable(typeof(LlmErrorResponse))]
public sealed partial class StreamingJsonContext : JsonSerializerContext;
