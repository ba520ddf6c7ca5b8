using OrleansGateway.Streaming;

namespace OrleansGateway.Frontend.Streaming;

/// <summary>
/// Starts a streamed completion for either surface: waits for the stream's first event, answers a
/// failure before the first byte with the surface's normal error response, and otherwise returns
/// the <see cref="ChatStreamResult"/> that relays the rest.
/// </summary>
public static class ChatStreaming
{
    /// <summary>Streams <paramref name="request"/> in <paramref name="format"/>.</summary>
    public static async Task<IResult> StreamAsync(HttpContext context, ChatRequest request, ChatDispatcher dispatcher, IStreamFormat format)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<StreamingOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChatStreaming));

        var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var events = dispatcher.StreamAsync(request, lifetime.Token).GetAsyncEnumerator(lifetime.Token);
        ChatStreamEvent first;
        try
        {
            first = await events.MoveNextAsync()
                ? events.Current
                : ChatStreamEvent.Failed(new GatewayError(GatewayErrorKind.Internal, "The stream ended before it started."));
        }
        catch
        {
            await EndAsync(events, lifetime);
            throw;
        }

        if (first.Kind == ChatStreamEventKind.Failed)
        {
            await EndAsync(events, lifetime);
            return format.ErrorResult(first.Error!, context);
        }

        return new ChatStreamResult(events, lifetime, first, format, TimeSpan.FromSeconds(options.KeepAliveSeconds), time, logger);
    }

    private static async Task EndAsync(IAsyncEnumerator<ChatStreamEvent> events, CancellationTokenSource lifetime)
    {
        await lifetime.CancelAsync();
        await events.DisposeAsync();
        lifetime.Dispose();
    }
}
