using Microsoft.Extensions.Options;
using OrleansGateway.Cluster;
using OrleansGateway.Embeddings;
using OrleansGateway.Errors;
using OrleansGateway.Frontend.Chat;
using OrleansGateway.Frontend.Hosting;

namespace OrleansGateway.Frontend.OpenAi.Embeddings;

/// <summary>
/// The frontend's way into the grains for embeddings, as <see cref="ChatDispatcher"/> is for chat:
/// an <see cref="IEmbeddingGrain"/>, retried once when the call was lost with its silo; in embedded
/// mode the executor runs in this process (slots still come from the provider grains).
/// </summary>
public sealed partial class EmbeddingDispatcher
{
    private readonly IGrainFactory _grains;
    private readonly EmbeddingExecutor? _local;
    private readonly ILogger<EmbeddingDispatcher> _logger;
    private IEmbeddingGrain? _grain;

    public EmbeddingDispatcher(
        IGrainFactory grains,
        IOptions<ChatExecutionOptions> execution,
        GatewayHostMode mode,
        IServiceProvider services,
        ILogger<EmbeddingDispatcher> logger)
    {
        _grains = grains;
        _logger = logger;
        if (mode == GatewayHostMode.Embedded && execution.Value.InProcessWhenEmbedded)
        {
            _local = services.GetRequiredService<EmbeddingExecutor>();
        }
    }

    /// <summary>Runs one embedding request; never throws.</summary>
    public async Task<EmbeddingOutcome> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return _local is { } local
                    ? await local.EmbedAsync(request, cancellationToken)
                    : await (_grain ??= _grains.GetGrain<IEmbeddingGrain>(0)).EmbedAsync(request, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return EmbeddingOutcome.Failure(new GatewayError(GatewayErrorKind.Cancelled, "The client closed the request."));
            }
            catch (Exception exception) when (attempt == 0 && SiloLossPolicy.IsLostWithSilo(exception))
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

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "An embedding grain call was lost with its silo ({Exception}); retrying once")]
    private static partial void LogRetry(ILogger logger, string exception);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Error, Message = "An embedding grain call failed")]
    private static partial void LogGrainCallFailed(ILogger logger, Exception exception);
}
