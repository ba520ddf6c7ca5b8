using System.Text.Json.Serialization;

namespace OrleansGateway.Operations;

/// <summary>Source-generated JSON for <see cref="OperationsStatus"/> (snake_case, as the gateway's other JSON).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OperationsStatus))]
public sealed partial class OperationsJsonContext : JsonSerializerContext;
