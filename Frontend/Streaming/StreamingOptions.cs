namespace OrleansGateway.Frontend.Streaming;

/// <summary>Settings of the streaming endpoints, bound from <c>Gateway:Streaming</c>.</summary>
public sealed class StreamingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Streaming";

    /// <summary>
    /// Seconds without data after which a started stream sends an SSE comment line, so proxies
    /// do not cut a long generation. Default: 15.
    /// </summary>
    public double KeepAliveSeconds { get; set; } = 15;
}
