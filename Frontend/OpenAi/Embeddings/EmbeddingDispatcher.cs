using Microsoft.Extensions.Options;
using OrleansGateway.Cluster;
using OrleansGateway.Embeddings;
using OrleansGateway.Errors;
using OrleansGateway.Frontend.Chat;
using OrleansGateway.Frontend.Hosting;
using OrleansGateway.Frontend.Keys;
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
        var run = VirtualKeyScope.Current is { } key ? EmbedWithKeyAsync(key, request, cancellationToken) : RunAsync(request, cancellationToken);
        return GatewayRequestTelemetry.Current is { } telemetry ? ReportAsync(telemetry, request, run) : run;
    }

    /// <summary>Tells the request line which model answered (its tokens are not read from the body).</summary>
    private static async Task<EmbeddingOutcome> ReportAsync(GatewayRequestTelemetry telemetry, EmbeddingRequest request, Task<EmbeddingOutcome> run)
    {
        telemetry.Requested(request.Model);
        var outcome = await run;
        if (outcome.Succeeded)
        {
            telemetry.Answered(outcome.Model, null);
        }

        return outcome;
    }

    private async Task<EmbeddingOutcome> EmbedWithKeyAsync(VirtualKeyCaller key, EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var (reservation, refused) = await _keys.AdmitAsync(key, request.Model, request.Fallbacks, 0, 0);
        if (reservation is null)
        {
            return EmbeddingOutcome.Failure(refused!);
        }

        EmbeddingOutcome? outcome = null;
        try
        {
            outcome = await RunAsync(request, cancellationToken);
            return outcome;
        }
        finally
        {
            if (outcome is { Error: null, Model: { } model })
            {
                await _keys.SettleAsync(reservation, model, OrleansGateway.Chat.TokenUsage.Zero);
            }
            else
            {
                await _keys.ReleaseAsync(reservation);
            }
        }
    }

    /// <summary>Runs on the next grain of the pool; a call lost with its silo is repeated (up to <see cref="SiloLossPolicy.RequestRepeats"/> times) on the same grain with the same call id, so it joins a run still going.</summary>
    private async Task<EmbeddingOutcome> RunAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var grain = _local is null ? _pool.Next() : null;
        var callId = Guid.NewGuid();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return _local is { } local
                    ? await local.EmbedAsync(request, cancellationToken)
                    : await grain!.EmbedAsync(callId, request, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return EmbeddingOutcome.Failure(new GatewayError(GatewayErrorKind.Cancelled, "The client closed the request."));
            }
            catch (Exception exception) when (attempt < SiloLossPolicy.RequestRepeats && SiloLossPolicy.IsLostWithSilo(exception, cancellationToken))
            {
                LogRetry(_logger, exception.GetType().Name);
            }
            catch (Exception exception)
            {
                LogGrainCallFailed(_logger, exception);
                return EmbeddingOutcome.Failure(new GatewayError(GatewayErrorKind.Internal, "The gateway's cluster could not run the request; try again."));
            }
        }
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "An embedding grain call was lost with its silo ({Exception}); retrying")]
    private static partial void LogRetry(ILogger logger, string exception);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Error, Message = "An embedding grain call failed")]
    private static partial void LogGrainCallFailed(ILogger logger, Exception exception);
}
