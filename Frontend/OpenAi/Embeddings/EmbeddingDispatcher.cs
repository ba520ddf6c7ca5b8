using OrleansGateway.Cluster;
using OrleansGateway.Embeddings;
using OrleansGateway.Hosting.Telemetry;

namespace OrleansGateway.Frontend.OpenAi.Embeddings;

/// <summary>
/// The frontend's way into the grains for embeddings, as <see cref="ChatDispatcher"/> is for chat:
/// an <see cref="IEmbeddingGrain"/>, retried once when the call was lost with its silo; in embedded
/// mode the executor runs in this process (slots still come from the provider grains).
/// </summary>
public sealed partial class EmbeddingDispatcher
{
    private readonly EmbeddingExecutor? _local;
    private readonly ILogger<EmbeddingDispatcher> _logger;
    private readonly KeyGate _keys;
    private readonly GrainPool<IEmbeddingGrain> _pool;

    public EmbeddingDispatcher(
        IGrainFactory grains,
        IOptions<ChatExecutionOptions> execution,
        GatewayHostMode mode,
        IServiceProvider services,
        KeyGate keys,
        ILogger<EmbeddingDispatcher> logger)
    {
        _keys = keys;
        _logger = logger;
        _pool = new GrainPool<IEmbeddingGrain>(grains, ChatDispatcher.ChatGrainPoolSize);
        if (mode == GatewayHostMode.Embedded && execution.Value.InProcessWhenEmbedded)
        {
            _local = services.GetRequiredService<EmbeddingExecutor>();
        }
    }

    /// <summary>
    /// Runs one embedding request; never throws. With a virtual key (<see cref="VirtualKeyScope"/>): its models,
    /// and its request and parallel limits (the provider's embedding usage is not read, so no tokens or spend are charged).
    /// </summary>
    public Task<EmbeddingOutcome> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var run = VirtualKeyScope.Current is { } key
            ? DispatchSteps.AdmittedAsync(
                _keys,
                _keys.AdmitAsync(key, request.Model, request.Fallbacks, 0, 0),
                () => RunAsync(request, cancellationToken),
                EmbeddingOutcome.Failure,
                outcome => outcome is { Error: null, Model: { } model } ? (model, TokenUsage.Zero) : null)
            : RunAsync(request, cancellationToken);

        // The request line is told which model answered; its tokens are not read from the body.
        return GatewayRequestTelemetry.Current is { } telemetry
            ? DispatchSteps.ReportedAsync(telemetry, request.Model, run, outcome => outcome.Succeeded ? (outcome.Model, (TokenUsage?)null) : null)
            : run;
    }

    /// <summary>Runs on the next grain of the pool; a call lost with its silo is repeated once on the same grain with the same call id, so it joins a run still going.</summary>
    private Task<EmbeddingOutcome> RunAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var grain = _local is null ? _pool.Next() : null;
        return DispatchSteps.RetriedAsync(
            callId => _local is { } local ? local.EmbedAsync(request, cancellationToken) : grain!.EmbedAsync(callId, request, cancellationToken),
            EmbeddingOutcome.Failure, _logger, LogRetry, LogGrainCallFailed, cancellationToken);
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "An embedding grain call was lost with its silo ({Exception}); retrying")]
    private static partial void LogRetry(ILogger logger, string exception);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Error, Message = "An embedding grain call failed")]
    private static partial void LogGrainCallFailed(ILogger logger, Exception exception);
}
