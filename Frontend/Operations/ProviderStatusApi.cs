using OrleansGateway.Providers;

namespace OrleansGateway.Frontend.Operations;

/// <summary><c>GET /v1/providers</c>: each provider's limit, slots in use, queues, recent errors and circuit, read from its grain.</summary>
public static partial class ProviderStatusApi
{
    public static RouteGroupBuilder MapProviderStatusApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/providers", GetProvidersAsync);
        return v1;
    }

    public static async Task<Results<JsonHttpResult<ProviderStatusResponse>, ErrorResult>> GetProvidersAsync(ModelResolver models, IGrainFactory grains, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            var statuses = await Task.WhenAll(models.ProviderNames.Select(name => grains.GetGrain<IProviderGrain>(name).GetStatusAsync()))
                .WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            var entries = statuses.Select(s => new ProviderStatusEntry(
                s.Provider, s.MaxConcurrency, s.InFlight,
                new QueuedCounts(s.QueuedInteractive, s.QueuedBatch),
                new RecentCounts(s.RecentSuccesses, s.RecentFailures, 60),
                s.CircuitState)).ToList();
            return TypedResults.Json(new ProviderStatusResponse("list", entries), GatewayJsonContext.Default.ProviderStatusResponse);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStatusFailed(loggers.CreateLogger(typeof(ProviderStatusApi)), exception);
            return new ErrorResult(new GatewayError(GatewayErrorKind.Upstream, "The provider grains did not answer; try again."));
        }
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Error, Message = "Reading provider status from the grains failed")]
    private static partial void LogStatusFailed(ILogger logger, Exception exception);
}
