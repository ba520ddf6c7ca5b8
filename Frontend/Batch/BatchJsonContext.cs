using System.Text.Json.Serialization;

namespace OrleansGateway.Frontend.Batch;

/// <summary>Source-generated JSON for the batch wire types (snake_case, like the rest of <c>/v1</c>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(BatchGenerateRequest))]
[JsonSerializable(typeof(BatchSubmitResponse))]
[JsonSerializable(typeof(BatchJobResponse))]
[JsonSerializable(typeof(BatchResultItem))]
[JsonSerializable(typeof(BatchListResponse))]
public sealed partial class BatchJsonContext : JsonSerializerContext;
