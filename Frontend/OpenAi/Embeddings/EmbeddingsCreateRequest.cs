using System.Text.Json.Serialization;

namespace OrleansGateway.Frontend.OpenAi.Embeddings;

/// <summary>
/// The body of <c>POST /v1/embeddings</c>: the fields the gateway reads (<c>model</c>, its own
/// <c>fallbacks</c>, and <c>input</c>, <c>encoding_format</c>, <c>dimensions</c> to validate) and
/// every other field in <see cref="Extra"/>, forwarded unchanged.
/// </summary>
public sealed class EmbeddingsCreateRequest
{
    public string? Model { get; set; }

    public JsonElement? Input { get; set; }

    public JsonElement? EncodingFormat { get; set; }

    public JsonElement? Dimensions { get; set; }

    public List<string>? Fallbacks { get; set; }

    /// <summary>Every field the gateway does not read (<c>user</c>, vendor extensions...), as it came.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
