using OrleansGateway.Streaming;

namespace OrleansGateway.Frontend.Streaming;

/// <summary>
/// Relays a started stream to the client as Server-Sent Events: each event is written and flushed
/// as it arrives, a comment line goes out after <c>KeepAliveSeconds</c> without data, and the
/// grain's enumeration is cancelled and disposed when the stream ends or the client leaves.
/// </summary>
public sealed partial class ChatStreamResult(
    IAsyncEnumerator<ChatStreamEvent> events,
    CancellationTokenSource lifetime,
    ChatStreamEvent first,
    IStreamFormat format,
    TimeSpan keepAlive,
    TimeProvider time,
    ILogger logger) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var cancellationToken = lifetime.Token;
        Task<bool>? pending = null;
        try
        {
            SseWriter.Start(httpContext);
            var writer = new SseWriter(httpContext.Response);
            await format.WriteAsync(writer, first, first: true, cancellationToken);
            if (first.Kind != ChatStreamEventKind.Delta)
            {
                return;
            }

            while (true)
            {
                pending = events.MoveNextAsync().AsTask();
                while (!pending.IsCompleted)
                {
                    using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var delay = Task.Delay(keepAlive, time, delayCancellation.Token);
                    var winner = await Task.WhenAny(pending, delay);
                    delayCancellation.Cancel();
                    if (winner != pending)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await writer.WriteCommentAsync("keep-alive", cancellationToken);
                    }
                }

                var hasNext = await pending;
                pending = null;
                if (!hasNext)
                {
                    return;
                }

                var next = events.Current;
                await format.WriteAsync(writer, next, first: false, cancellationToken);
                if (next.Kind != ChatStreamEventKind.Delta)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && (cancellationToken.IsCancellationRequested || httpContext.RequestAborted.IsCancellationRequested))
        {
            LogClientLeft(logger);
        }
        catch (IOException exception)
        {
            // The connection broke while writing.
            LogWriteFailed(logger, exception.Message);
        }
        finally
        {
            await lifetime.CancelAsync();
            await CloseAsync(pending);
            lifetime.Dispose();
        }
    }

    private async Task CloseAsync(Task<bool>? pending)
    {
        try
        {
            if (pending is { IsCompleted: false })
            {
                // Cancelled above: the enumeration ends promptly, and only then may it be disposed.
                await pending.WaitAsync(TimeSpan.FromSeconds(5));
            }

            await events.DisposeAsync();
        }
        catch (Exception exception)
        {
            LogDisposeFailed(logger, exception.Message);
        }
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Debug, Message = "The client left during a stream; the provider request is cancelled")]
    private static partial void LogClientLeft(ILogger logger);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Writing a stream failed: {Error}")]
    private static partial void LogWriteFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Ending a stream's enumeration failed: {Error}")]
    private static partial void LogDisposeFailed(ILogger logger, string error);
}
