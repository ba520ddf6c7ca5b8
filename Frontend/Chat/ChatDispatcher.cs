using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansGateway.Chat;
using OrleansGateway.Cluster;
using OrleansGateway.Errors;
using OrleansGateway.Hosting.Telemetry;
using OrleansGateway.Streaming;

namespace OrleansGateway.Frontend.Chat;

/// <summary>
/// The frontend's one way into the grains for chat: calls an <see cref="IChatGrain"/> (streams: the
/// next <see cref="IChatStreamGrain"/> of the pool), retries once when the call was lost with its silo,
/// and turns any other failure of the call itself into a <see cref="GatewayError"/>. In embedded mode
/// those grains would activate in this process anyway, so it runs their executors itself (unless
/// <see cref="ChatExecutionOptions.InProcessWhenEmbedded"/> is off); slots still come from the provider grains.
/// </summary>
public sealed partial class ChatDispatcher
{
    private readonly ILogger<ChatDispatcher> _logger;
    private readonly KeyGate _keys;
    private readonly TimeProvider _time;

    // Set in embedded mode: the executors the chat grains would run, in this same process.
    private readonly ChatExecutor? _localChat;
    private readonly ChatStreamExecutor? _localStreams;

    private readonly GrainPool<IChatGrain> _chatGrains;
    private readonly GrainPool<IChatStreamGrain> _streamGrains;

    public ChatDispatcher(
        IGrainFactory grains,
        IOptions<StreamingOptions> streaming,
        IOptions<ChatExecutionOptions> execution,
        GatewayHostMode mode,
        IServiceProvider services,
        KeyGate keys,
        ILogger<ChatDispatcher> logger)
    {
        _keys = keys;
        _logger = logger;
        _time = services.GetRequiredService<TimeProvider>();
        _chatGrains = new GrainPool<IChatGrain>(grains, ChatGrainPoolSize);
        _streamGrains = new GrainPool<IChatStreamGrain>(grains, streaming.Value.StreamGrainPoolSize);
        if (mode == GatewayHostMode.Embedded && execution.Value.InProcessWhenEmbedded)
        {
            _localChat = services.GetRequiredService<ChatExecutor>();
            _localStreams = services.GetRequiredService<ChatStreamExecutor>();
        }
    }

    /// <summary>Whether requests run in this process rather than through the chat grains.</summary>
    public bool RunsInProcess => _localChat is not null;

    /// <summary>
    /// Runs a non-streamed completion: through <see cref="RunAsync"/>, and for a request made with a
    /// virtual key (<see cref="VirtualKeyScope"/>) between its key's admission and settlement (<see cref="KeyGate"/>).
    /// With the request line on (<see cref="GatewayRequestTelemetry.Current"/>) it tells the line what answered.
    /// </summary>
    public Task<ChatOutcome> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var run = VirtualKeyScope.Current is { } key
            ? DispatchSteps.AdmittedAsync(_keys, _keys.AdmitAsync(key, request), () => RunAsync(request, cancellationToken), ChatOutcome.Failure, Answered)
            : RunAsync(request, cancellationToken);
        return GatewayRequestTelemetry.Current is { } telemetry
            ? DispatchSteps.ReportedAsync<ChatOutcome>(telemetry, request.Model, run, outcome => Answered(outcome))
            : run;
    }

    private static (string Model, TokenUsage Usage)? Answered(ChatOutcome outcome) =>
        outcome.Succeeded ? (outcome.Result.Model, outcome.Result.Usage) : null;

    /// <summary>
    /// How many <see cref="IChatGrain"/>s the frontend spreads completions over: enough that the silos share them
    /// evenly and no one activation's turns become a queue (each is reentrant and waits on I/O).
    /// </summary>
    public const int ChatGrainPoolSize = 64;

    /// <summary>
    /// Runs a non-streaming completion on the next grain of the pool. A call lost with its silo is repeated (up to
    /// <see cref="SiloLossPolicy.RequestRepeats"/> times) on the same grain with the same call id: if the first run is still going there (only its answer's way back
    /// was lost), the repeat joins it, so the provider is not called twice.
    /// </summary>
    private Task<ChatOutcome> RunAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var grain = _localChat is null ? _chatGrains.Next() : null;
        return DispatchSteps.RetriedAsync(
            callId => _localChat is { } local ? local.CompleteAsync(request, cancellationToken) : grain!.CompleteAsync(callId, request, cancellationToken),
            ChatOutcome.Failure, _logger, LogRetry, LogGrainCallFailed, cancellationToken);
    }

    /// <summary>
    /// Streams a completion: through <see cref="StreamUnkeyedAsync"/>, and for a request made with a virtual
    /// key between its admission and settlement with the stream's final usage (released when the stream fails or the client leaves).
    /// </summary>
    public IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        var events = VirtualKeyScope.Current is { } key ? StreamWithKeyAsync(key, request, cancellationToken) : StreamUnkeyedAsync(request, cancellationToken);
        return GatewayRequestTelemetry.Current is { } telemetry ? ReportAsync(telemetry, request, events, cancellationToken) : events;
    }

    private static async IAsyncEnumerable<ChatStreamEvent> ReportAsync(
        GatewayRequestTelemetry telemetry, ChatRequest request, IAsyncEnumerable<ChatStreamEvent> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        telemetry.Requested(request.Model);
        await foreach (var streamEvent in events.WithCancellation(cancellationToken))
        {
            if (streamEvent.Kind == ChatStreamEventKind.Completed)
            {
                telemetry.Answered(streamEvent.Model, streamEvent.Usage);
            }

            yield return streamEvent;
        }
    }

    private async IAsyncEnumerable<ChatStreamEvent> StreamWithKeyAsync(VirtualKeyCaller key, ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (reservation, refused) = await _keys.AdmitAsync(key, request);
        if (reservation is null)
        {
            yield return ChatStreamEvent.Failed(refused!);
            yield break;
        }

        ChatStreamEvent? last = null;
        try
        {
            await foreach (var streamEvent in StreamUnkeyedAsync(request, cancellationToken))
            {
                last = streamEvent;
                yield return streamEvent;
            }
        }
        finally
        {
            if (last is { Kind: ChatStreamEventKind.Completed, Usage: { } usage })
            {
                await _keys.SettleAsync(reservation, last.Model, usage);
            }
            else
            {
                await _keys.ReleaseAsync(reservation);
            }
        }
    }

    /// <summary>
    /// Streams a completion through the next <see cref="IChatStreamGrain"/> of the pool: deltas, then one
    /// completed or failed event. Retries on the next grain (up to <see cref="MaxStreamStarts"/> starts) when the
    /// call was lost with its silo before the first event, as when the grain's silo is stopping and starts no
    /// new stream; any other failure of the call itself becomes a failed event. Never throws.
    /// </summary>
    private async IAsyncEnumerable<ChatStreamEvent> StreamUnkeyedAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var received = false;
        for (var attempt = 0; ; attempt++)
        {
            var events = (_localStreams is { } local ? local.StreamAsync(request, cancellationToken) : _streamGrains.Next().StreamResumableAsync(request, _time, _logger, cancellationToken))
                .GetAsyncEnumerator(cancellationToken);
            var retry = false;
            try
            {
                while (true)
                {
                    ChatStreamEvent? next;
                    try
                    {
                        next = await events.MoveNextAsync() ? events.Current : null;
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        next = ChatStreamEvent.Failed(new GatewayError(GatewayErrorKind.Cancelled, "The client closed the request."));
                    }
                    catch (Exception exception) when (!received && attempt < MaxStreamStarts - 1 && SiloLossPolicy.IsLostWithSilo(exception, cancellationToken))
                    {
                        LogRetry(_logger, exception.GetType().Name);
                        retry = true;
                        break;
                    }
                    catch (Exception exception)
                    {
                        LogGrainCallFailed(_logger, exception);
                        next = ChatStreamEvent.Failed(new GatewayError(GatewayErrorKind.Unavailable, "The gateway's cluster could not run the stream; try again."));
                    }

                    if (next is null)
                    {
                        yield break;
                    }

                    received = true;
                    yield return next;
                    if (next.Kind != ChatStreamEventKind.Delta)
                    {
                        yield break;
                    }
                }
            }
            finally
            {
                await DisposeQuietlyAsync(events);
            }

            if (!retry)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// How many grains of the pool a stream may be started on before its first event: the pool's grains are
    /// spread over the silos, so while one silo stops each try has about an even chance of reaching it.
    /// </summary>
    public const int MaxStreamStarts = 8;

    private async Task DisposeQuietlyAsync(IAsyncEnumerator<ChatStreamEvent> events)
    {
        try
        {
            await events.DisposeAsync();
        }
        catch (Exception exception)
        {
            LogStreamDisposeFailed(_logger, exception.Message);
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "A grain call was lost with its silo ({Exception}); retrying")]
    private static partial void LogRetry(ILogger logger, string exception);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "A grain call failed")]
    private static partial void LogGrainCallFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Ending a stream's grain enumeration failed: {Error}")]
    private static partial void LogStreamDisposeFailed(ILogger logger, string error);
}
