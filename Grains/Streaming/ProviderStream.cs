using System.ClientModel;
using OpenAI.Chat;
using OrleansGateway.Chat;
using OrleansGateway.Errors;
using OrleansGateway.Providers;

namespace OrleansGateway.Streaming;

/// <summary>
/// One streamed attempt at one provider through the <c>OpenAI</c> package (which asks for
/// <c>stream_options.include_usage</c>). <see cref="OpenAsync"/> returns once the first token (or the
/// end) has arrived, within the first-token timeout; after that each wait for the provider's next
/// chunk must end within the idle timeout. Failures surface as <see cref="ProviderCallException"/>; disposing
/// cancels the provider request.
/// </summary>
public sealed class ProviderStream : IAsyncDisposable
{
    private readonly ProviderRoute _route;
    private readonly IAsyncEnumerator<StreamingChatCompletionUpdate> _updates;
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _callerToken;
    private readonly TimeSpan _firstTokenTimeout;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private readonly Queue<string> _pending = new();
    private bool _started;
    private bool _ended;
    private bool _disposed;

    private ProviderStream(
        ProviderRoute route,
        IAsyncEnumerator<StreamingChatCompletionUpdate> updates,
        CancellationTokenSource timeout,
        CancellationTokenSource linked,
        CancellationToken callerToken,
        TimeSpan firstTokenTimeout,
        TimeSpan idleTimeout,
        TimeProvider time)
    {
        _route = route;
        _updates = updates;
        _timeout = timeout;
        _linked = linked;
        _callerToken = callerToken;
        _firstTokenTimeout = firstTokenTimeout;
        _idleTimeout = idleTimeout;
        _time = time;
    }

    /// <summary>The provider's completion id, once it sent one.</summary>
    public string? CompletionId { get; private set; }

    /// <summary>The provider's finish reason in wire form, once it sent one.</summary>
    public string? FinishReason { get; private set; }

    /// <summary>The usage the provider reported, if it did.</summary>
    public TokenUsage? Usage { get; private set; }

    /// <summary>
    /// Starts the provider request and waits for its first token (or its end) within the
    /// provider's first-token timeout (default: its attempt timeout).
    /// </summary>
    public static async Task<ProviderStream> OpenAsync(
        ChatClient client, ProviderRoute route, ProviderOptions options, ChatRequest request, TimeProvider time, CancellationToken cancellationToken)
    {
        var firstTokenTimeout = TimeSpan.FromSeconds(options.FirstTokenTimeoutSeconds ?? options.TimeoutSeconds);
        var idleTimeout = TimeSpan.FromSeconds(options.StreamIdleTimeoutSeconds);
        var timeout = new CancellationTokenSource(firstTokenTimeout, time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        IAsyncEnumerator<StreamingChatCompletionUpdate> updates;
        try
        {
            var messages = ProviderChatCaller.ToOpenAIMessages(request.Messages);
            var chatOptions = ProviderChatCaller.ToOpenAIOptions(request, options);
            updates = client.CompleteChatStreamingAsync(messages, chatOptions, linked.Token).GetAsyncEnumerator(linked.Token);
        }
        catch
        {
            linked.Dispose();
            timeout.Dispose();
            throw;
        }

        var stream = new ProviderStream(route, updates, timeout, linked, cancellationToken, firstTokenTimeout, idleTimeout, time);
        try
        {
            while (stream._pending.Count == 0 && stream.FinishReason is null && !stream._ended)
            {
                await stream.PullAsync();
            }

            // From here on the clock runs only while waiting for the provider (see PullAsync), so a
            // slow consumer that pauses the pulls is not mistaken for an idle provider.
            stream._started = true;
            stream._timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next piece of text, or null at the end of the stream.</summary>
    public async Task<string?> ReadAsync()
    {
        while (_pending.Count == 0 && !_ended)
        {
            await PullAsync();
        }

        return _pending.TryDequeue(out var text) ? text : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // Cancelling first makes the package abandon the response instead of reading it to the end.
        _linked.Cancel();
        try
        {
            await _updates.DisposeAsync();
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException or ClientResultException)
        {
        }

        _linked.Dispose();
        _timeout.Dispose();
    }

    private async Task PullAsync()
    {
        bool hasUpdate;
        if (_started)
        {
            _timeout.CancelAfter(_idleTimeout);
        }

        try
        {
            hasUpdate = await _updates.MoveNextAsync();
        }
        catch (OperationCanceledException) when (_callerToken.IsCancellationRequested)
        {
            throw new ProviderCallException(new GatewayError(GatewayErrorKind.Cancelled, "The request was cancelled.") { Provider = _route.Provider }, retryable: false);
        }
        catch (OperationCanceledException) when (_timeout.IsCancellationRequested)
        {
            throw TimeoutError();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            if (_timeout.IsCancellationRequested && !_callerToken.IsCancellationRequested)
            {
                // The timeout aborted the response while it was being read.
                throw TimeoutError();
            }

            throw ProviderErrors.FromException(_route.Provider, exception, _time);
        }

        if (!hasUpdate)
        {
            _ended = true;
            return;
        }

        if (_started)
        {
            _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
        }

        var update = _updates.Current;
        if (CompletionId is null && !string.IsNullOrEmpty(update.CompletionId))
        {
            CompletionId = update.CompletionId;
        }

        foreach (var part in update.ContentUpdate)
        {
            if (!string.IsNullOrEmpty(part.Text))
            {
                _pending.Enqueue(part.Text);
            }
        }

        if (update.FinishReason is { } finishReason)
        {
            FinishReason = ProviderChatCaller.ToWireFinishReason(finishReason);
        }

        if (update.Usage is { } usage)
        {
            Usage = new TokenUsage(usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount);
        }
    }

    private ProviderCallException TimeoutError()
    {
        var message = _started
            ? $"Provider '{_route.Provider}' sent nothing for {_idleTimeout.TotalSeconds:0.#} s in the middle of its stream (stream idle timeout)."
            : $"Provider '{_route.Provider}' sent no token within {_firstTokenTimeout.TotalSeconds:0.#} s (first-token timeout).";
        return new ProviderCallException(
            new GatewayError(GatewayErrorKind.Timeout, message) { Provider = _route.Provider, UpstreamStatus = 504 },
            retryable: !_started);
    }
}
