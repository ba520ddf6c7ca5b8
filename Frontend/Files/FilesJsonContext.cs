using System.Text.Json.Serialization;

namespace OrleansGateway.Frontend.Files;

/// <summary>Source-generated JSON for the files wire types (snake_case, like the rest of <c>/v1</c>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FileObject))]
[JsonSerializable(typeof(FileListResponse))]
[JsonSerializable(typeof(FileDeletedResponse))]
public sealed partial class FilesJsonContext : JsonSerializerContext;
