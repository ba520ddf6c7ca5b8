using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.ServerSentEvents;
using OpenAI.Chat;
using OrleansGateway.Secrets;

namespace OrleansGateway.Streaming;

/// <summary>
/// One streamed attempt at one provider through the <c>OpenAI</c> package's protocol method (the
/// request asks for <c>stream_options.include_usage</c>; the response is read as it arrives with
/// <see cref="SseParser"/> and <see cref="ChatCompletionChunkReader"/>, which reaches the first token
/// sooner than the package's typed stream). <see cref="OpenAsync"/> returns once the first token (or the
/// end) has arrived, within the first-token timeout; after that each wait for the provider's next
/// chunk must end within the idle timeout. Failures surface as <see cref="ProviderCallException"/>; disposing
/// cancels the provider request.
/// </summary>
public sealed class ProviderStream : IAsyncDisposable
{
    private readonly ProviderRoute _route;
    private PipelineResponse? _response;
    private IAsyncEnumerator<SseItem<ProviderChunk>>? _updates;
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _callerToken;
    private readonly TimeSpan _firstTokenTimeout;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly Queue<(string Text, string? RawChunk)> _pending = new();
    private bool _passThrough;
    private bool _tokenArrived;
    private bool _started;
    private bool _ended;
    private bool _disposed;

    private ProviderStream(
        ProviderRoute route,
        CancellationTokenSource timeout,
        CancellationTokenSource linked,
        CancellationToken callerToken,
        TimeSpan firstTokenTimeout,
        TimeSpan idleTimeout,
        TimeProvider time,
        SecretRedactor redactor)
    {
        _redactor = redactor;
        _route = route;
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
        ChatClient client, ProviderRoute route, ProviderOptions options, ChatRequest request, TimeProvider time, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        var firstTokenTimeout = TimeSpan.FromSeconds(options.FirstTokenTimeoutSeconds ?? options.TimeoutSeconds);
        var idleTimeout = TimeSpan.FromSeconds(options.StreamIdleTimeoutSeconds);
        var timeout = new CancellationTokenSource(firstTokenTimeout, time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var stream = new ProviderStream(route, timeout, linked, cancellationToken, firstTokenTimeout, idleTimeout, time, redactor);
        try
        {
            await stream.SendAsync(client, options, request);
            // A role-only chunk is not a token: the first-token timeout (and the retries) still apply after it.
            while (!stream._tokenArrived && stream.FinishReason is null && !stream._ended)
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
    public async Task<string?> ReadAsync() => (await ReadPieceAsync())?.Text;

    /// <summary>
    /// The next piece: its text and, for a request with <see cref="ChatRequest.PassThrough"/>, the
    /// provider's chunk as it came (every chunk with choices: tool-call deltas, several choices, the
    /// finish chunk); null at the end of the stream.
    /// </summary>
    public async Task<(string Text, string? RawChunk)?> ReadPieceAsync()
    {
        while (_pending.Count == 0 && !_ended)
        {
            await PullAsync();
        }

        return _pending.TryDequeue(out var piece) ? piece : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // Cancelling first makes the response be abandoned instead of read to the end.
        _linked.Cancel();
        try
        {
            if (_updates is not null)
            {
                await _updates.DisposeAsync();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException or ClientResultException)
        {
        }

        _response?.Dispose();
        _linked.Dispose();
        _timeout.Dispose();
    }

    /// <summary>Sends the request; the response's events are read as they arrive.</summary>
    private async Task SendAsync(ChatClient client, ProviderOptions options, ChatRequest request)
    {
        try
        {
            using var body = ChatCompletionRequestWriter.Write(request, _route.Model, options, stream: true);
            var result = await client.CompleteChatAsync(body, new RequestOptions { BufferResponse = false, CancellationToken = _linked.Token });
            _response = result.GetRawResponse();
            var content = _response.ContentStream ?? throw new FormatException("the streamed response has no body");
            var keepRaw = request.PassThrough is not null;
            _passThrough = keepRaw;
            _updates = SseParser.Create(content, (_, data) => ChatCompletionChunkReader.Read(data, keepRaw))
                .EnumerateAsync(_linked.Token)
                .GetAsyncEnumerator(_linked.Token);
        }
        catch (Exception exception) when (Failure(exception) is { } failure)
        {
            throw failure;
        }
    }

    private async Task PullAsync()
    {
        if (_started)
        {
            _timeout.CancelAfter(_idleTimeout);
        }

        bool hasUpdate;
        try
        {
            hasUpdate = await _updates!.MoveNextAsync();
        }
        catch (Exception exception) when (Failure(exception) is { } failure)
        {
            throw failure;
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

        var update = _updates.Current.Data;
        if (update.Done)
        {
            _ended = true;
            return;
        }

        if (update.Error is { } error)
        {
            throw new ProviderCallException(
                new GatewayError(GatewayErrorKind.Upstream, $"Provider '{_route.Provider}' reported an error in its stream: {error}") { Provider = _route.Provider },
                retryable: !_started);
        }

        if (CompletionId is null && !string.IsNullOrEmpty(update.Id))
        {
            CompletionId = update.Id;
        }

        if (_passThrough)
        {
            if (update.Choices > 0 && update.Raw is { } raw)
            {
                _pending.Enqueue((update.Text ?? string.Empty, raw));
                _tokenArrived |= !string.IsNullOrEmpty(update.Text) || update.HasOtherDelta;
            }
        }
        else if (!string.IsNullOrEmpty(update.Text))
        {
            _pending.Enqueue((update.Text, null));
            _tokenArrived = true;
        }

        if (update.FinishReason is { } finishReason)
        {
            FinishReason = finishReason;
        }

        if (update.Usage is { } usage)
        {
            Usage = usage;
        }
    }

    /// <summary>
    /// The error a failure of the provider call stands for: the caller's cancellation, a timeout
    /// (which may abort a read with an I/O error), or what the provider answered; null to let it pass.
    /// </summary>
    private ProviderCallException? Failure(Exception exception) => exception switch
    {
        ProviderCallException => null,
        OperationCanceledException when _callerToken.IsCancellationRequested =>
            new ProviderCallException(new GatewayError(GatewayErrorKind.Cancelled, "The request was cancelled.") { Provider = _route.Provider }, retryable: false),
        OperationCanceledException when _timeout.IsCancellationRequested => TimeoutError(),
        OperationCanceledException => null,
        _ when _timeout.IsCancellationRequested && !_callerToken.IsCancellationRequested => TimeoutError(),
        _ => ProviderErrors.FromException(_route.Provider, exception, _time, _redactor),
    };

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
