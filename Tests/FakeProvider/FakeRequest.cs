using System.Text.Json;

namespace OrleansGateway.FakeProvider;

/// <summary>A chat completion request as the fake provider received it.</summary>
public sealed record FakeRequest(
    string Model,
    IReadOnlyList<(string Role, string Content)> Messages,
    bool Stream,
    bool IncludeUsage,
    string Body,
    string? Authorization,
    string? AcceptEncoding = null)
{
    /// <summary>The last user message's text.</summary>
    public string LastUserMessage => Messages.LastOrDefault(m => m.Role == "user").Content ?? string.Empty;

    /// <summary>The request as a JSON document (the caller disposes it).</summary>
    public JsonDocument Json() => JsonDocument.Parse(Body);

    /// <summary>Whether the body has a top-level property of that name.</summary>
    public bool Has(string property)
    {
        using var document = Json();
        return document.RootElement.TryGetProperty(property, out _);
    }
}
