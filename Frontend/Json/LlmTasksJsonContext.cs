using System.Text.Json.Serialization;
using OrleansGateway.Frontend.Classification;
using OrleansGateway.Frontend.Summarization;

namespace OrleansGateway.Frontend.Json;

/// <summary>Source-generated JSON for the answers of <c>/llm/classification</c> and <c>/llm/summarization</c>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ClassificationResponse))]
[JsonSerializable(typeof(SummarizationResponse))]
public sealed partial class LlmTasksJsonContext : JsonSerializerContext;
