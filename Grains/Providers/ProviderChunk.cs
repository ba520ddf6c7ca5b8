namespace OrleansGateway.Providers;

/// <summary>
/// What the gateway keeps of one server-sent event of a provider's stream: the text it adds, the
/// completion id, the finish reason (wire form), the usage, an error the provider reported in the
/// stream, or that it is the <c>[DONE]</c> marker.
/// </summary>
public readonly record struct ProviderChunk(string? Id, string? Text, string? FinishReason, TokenUsage? Usage, string? Error, bool Done)
{
    /// <summary>How many choices the event has (0 for a usage-only event).</summary>
    public int Choices { get; init; }

    /// <summary>Whether the first choice's delta carries more than a role and text (a tool-call fragment, a refusal...): a token, for the first-token timeout.</summary>
    public bool HasOtherDelta { get; init; }

    /// <summary>The event's JSON as it came, when the reader was asked to keep it.</summary>
    public string? Raw { get; init; }

    /// <summary>The <c>[DONE]</c> marker that ends an OpenAI stream.</summary>
    public static ProviderChunk DoneMarker { get; } = new(null, null, null, null, null, Done: true);
}
