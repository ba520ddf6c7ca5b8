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

    /// <summary>
    /// How many stream grains (<c>IChatStreamGrain</c> keys 0..n-1) this frontend spreads its streams
    /// over, round robin. Each activation carries many streams at once, so a stream starts without
    /// activating a grain; in a cluster the activations spread over the silos. Default: 64.
    /// </summary>
    public int StreamGrainPoolSize { get; set; } = 64;
}
