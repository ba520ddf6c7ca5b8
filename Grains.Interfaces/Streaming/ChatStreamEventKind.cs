namespace OrleansGateway.Streaming;

/// <summary>What one event of a streamed completion carries.</summary>
[GenerateSerializer, Alias("gw.ChatStreamEventKind")]
public enum ChatStreamEventKind
{
    /// <summary>Text the provider just produced.</summary>
    Delta = 0,

    /// <summary>The end of the stream: the whole text, the finish reason and the usage.</summary>
    Completed = 1,

    /// <summary>The error that ended the stream; nothing follows it.</summary>
    Failed = 2,
}
