using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using OrleansGateway.Cluster;

namespace OrleansGateway.Streaming;

/// <summary>
/// The caller's half of a stream carried by an <see cref="IChatStreamGrain"/>: names the stream, counts the
/// events it has handed on, and when a grain call of the stream is lost with a silo after the first event (the
/// stopping or crashed silo was the caller's Orleans gateway, so its answer never comes) reads on from that count
/// with <see cref="IChatStreamGrain.ResumeAsync"/>, which Orleans sends through a live gateway. The stream grain,
/// alive on its own silo, answers every event once, so nothing is repeated or skipped. A loss before the first
/// event is tried once more on the same grain (starting a stream is idempotent by its id; a stopping silo's idle
/// activation has gone by then, so the key is placed elsewhere), then left to the caller, which may start the stream
/// on another grain; a stream left before its end (cancelled, or given up) is ended at the grain at once.
/// </summary>
public static partial class ResumableChatStream
{
    /// <summary>Streams <paramref name="request"/> through <paramref name="grain"/>, resuming it where a lost call cut it.</summary>
    public static async IAsyncEnumerable<ChatStreamEvent> StreamResumableAsync(
        this IChatStreamGrain grain,
        ChatRequest request,
        TimeProvider time,
        ILogger logger,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var streamId = Guid.NewGuid();
        var received = 0;
        var finished = false;
        DateTimeOffset? giveUpAt = null;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var events = (received == 0 ? grain.StreamAsync(streamId, request, cancellationToken) : grain.ResumeAsync(streamId, received, cancellationToken))
                    .GetAsyncEnumerator(cancellationToken);
                ExceptionDispatchInfo? lost = null;
                try
                {
                    while (true)
                    {
                        bool hasNext;
                        try
                        {
                            hasNext = await events.MoveNextAsync();
                        }
                        catch (Exception exception) when ((received > 0 || attempt == 0) && !cancellationToken.IsCancellationRequested && IsLost(exception, cancellationToken))
                        {
                            lost = ExceptionDispatchInfo.Capture(exception);
                            break;
                        }

                        if (!hasNext)
                        {
                            finished = true;
                            yield break;
                        }

                        var next = events.Current;
                        received++;
                        giveUpAt = null;
                        finished = next.Kind != ChatStreamEventKind.Delta;
                        yield return next;
                        if (finished)
                        {
                            yield break;
                        }
                    }
                }
                finally
                {
                    await DisposeQuietlyAsync(events, logger);
                }

                giveUpAt ??= time.GetUtcNow() + SiloLossPolicy.Deadline;
                if (time.GetUtcNow() >= giveUpAt)
                {
                    lost!.Throw();
                }

                Log.Resuming(logger, lost!.SourceException.GetType().Name, received);
                await Task.Delay(SiloLossPolicy.Pause(attempt), time, cancellationToken);
            }
        }
        finally
        {
            if (!finished)
            {
                // The consumer left, or the stream was given up: the grain ends it now rather than at its resume window.
                _ = EndQuietlyAsync(grain, streamId, logger);
            }
        }
    }

    /// <summary>Whether a grain call of the stream may have been lost on its way back while the stream grain lives on.</summary>
    private static bool IsLost(Exception exception, CancellationToken cancellationToken) =>
        SiloLossPolicy.IsLostWithSilo(exception, cancellationToken) || exception is EnumerationAbortedException;

    private static async Task EndQuietlyAsync(IChatStreamGrain grain, Guid streamId, ILogger logger)
    {
        try
        {
            await grain.EndAsync(streamId);
        }
        catch (Exception exception)
        {
            Log.EndFailed(logger, streamId, exception.GetType().Name);
        }
    }

    private static async Task DisposeQuietlyAsync(IAsyncEnumerator<ChatStreamEvent> events, ILogger logger)
    {
        try
        {
            await events.DisposeAsync();
        }
        catch (Exception exception)
        {
            Log.DisposeFailed(logger, exception.GetType().Name);
        }
    }
}
