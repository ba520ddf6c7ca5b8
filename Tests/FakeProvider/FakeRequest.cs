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
    /// <summary>The names of the functions in the request's <c>tools</c> (and legacy <c>functions</c>), in order.</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>The function <c>tool_choice</c> names, <c>"none"</c>/<c>"required"</c>/<c>"auto"</c>, or null when absent.</summary>
    public string? ToolChoice { get; init; }

    /// <summary>The number of choices asked for (<c>n</c>, default 1).</summary>
    public int N { get; init; } = 1;

    /// <summary>The last message's role.</summary>
    public string LastRole => Messages.Count == 0 ? string.Empty : Messages[^1].Role;

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
