namespace OrleansGateway.Frontend.OpenAi.Chat;

/// <summary>A message as OpenAI clients send it: content is a string or an array of text parts.</summary>
public sealed class WireMessage
{
    public string? Role { get; set; }

    public JsonElement? Content { get; set; }

    public string? Name { get; set; }
}
