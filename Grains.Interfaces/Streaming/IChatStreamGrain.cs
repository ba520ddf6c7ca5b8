namespace OrleansGateway.Streaming;

/// <summary>
/// Runs streamed completions, many at once per activation (frontends spread their streams over a
/// pool of keys, round robin): for each, takes a slot from the provider's <c>IProviderGrain</c>,
/// retries and falls back until the first token, then yields the provider's text as it arrives.
/// A stream is named by its caller and outlives the grain call that reads it: when that call is lost
/// (its gateway silo went away), <see cref="ResumeAsync"/> reads on from the events the caller has.
/// </summary>
[Alias("gw.IChatStreamGrain")]
public interface IChatStreamGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Starts stream <paramref name="streamId"/> (or, when it already runs here, reads it from its start):
    /// deltas, then one completed or failed event.
    /// </summary>
    [Alias("Open")]
    IAsyncEnumerable<ChatStreamEvent> StreamAsync(Guid streamId, ChatRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads stream <paramref name="streamId"/> on from event number <paramref name="received"/> (the count the caller
    /// already has); one failed event when this grain no longer carries it. The reader it replaces stops.
    /// </summary>
    [Alias("Resume")]
    IAsyncEnumerable<ChatStreamEvent> ResumeAsync(Guid streamId, int received, CancellationToken cancellationToken = default);

    /// <summary>Ends stream <paramref name="streamId"/> now (its consumer left): the provider request is cancelled and its slot released.</summary>
    [Alias("End")]
    Task EndAsync(Guid streamId);
}
