namespace OrleansGateway.Frontend.OpenAi.Chat;

/// <summary><c>stream_options</c> of a chat completion request.</summary>
public sealed class StreamOptions
{
    public bool? IncludeUsage { get; set; }
}
