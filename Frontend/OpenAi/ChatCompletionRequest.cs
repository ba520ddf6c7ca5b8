using System.Text.Json;

namespace OrleansGateway.Frontend.OpenAi;

/// <summary>The body of <c>POST /v1/chat/completions</c>, as OpenAI defines it (the fields the gateway reads).</summary>
public sealed class ChatCompletionRequest
{
    public string? Model { get; set; }

    public List<WireMessage>? Messages { get; set; }

    public int? MaxTokens { get; set; }

    public int? MaxCompletionTokens { get; set; }

    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public int? N { get; set; }

    public JsonElement? Stop { get; set; }

    public long? Seed { get; set; }

    public JsonElement? ResponseFormat { get; set; }

    public string? User { get; set; }

    public Dictionary<string, JsonElement>? Metadata { get; set; }

    public bool? Stream { get; set; }

    public StreamOptions? StreamOptions { get; set; }

    public List<string>? Fallbacks { get; set; }

    public JsonElement? Tools { get; set; }
}
