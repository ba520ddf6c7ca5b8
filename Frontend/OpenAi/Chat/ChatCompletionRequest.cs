using System.Text.Json.Serialization;

namespace OrleansGateway.Frontend.OpenAi.Chat;

/// <summary>
/// The body of <c>POST /v1/chat/completions</c>, as OpenAI defines it: the fields the gateway reads,
/// <see cref="Messages"/> as the client sent them, and every other field in <see cref="Extra"/>
/// (forwarded to the provider unchanged).
/// </summary>
public sealed class ChatCompletionRequest
{
    public string? Model { get; set; }

    public JsonElement? Messages { get; set; }

    public int? MaxTokens { get; set; }

    public int? MaxCompletionTokens { get; set; }

    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public JsonElement? Stop { get; set; }

    public long? Seed { get; set; }

    public JsonElement? ResponseFormat { get; set; }

    public string? User { get; set; }

    public Dictionary<string, JsonElement>? Metadata { get; set; }

    public bool? Stream { get; set; }

    public StreamOptions? StreamOptions { get; set; }

    public List<string>? Fallbacks { get; set; }

    /// <summary>Every field the gateway does not read (tools, n, logprobs, vendor extensions...), as it came.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
