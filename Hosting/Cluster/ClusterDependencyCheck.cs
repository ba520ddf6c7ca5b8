using Azure.Data.Tables;
using StackExchange.Redis;

namespace OrleansGateway.Hosting;

/// <summary>
/// Runs before Orleans starts: connects to every Redis and Azure Table storage the <c>Orleans</c>
/// section names, each with a short timeout (<see cref="GatewayHostingOptions.StartupCheckTimeoutSeconds"/>, default 5),
/// and stops the host with a <see cref="ClusterDependencyUnavailableException"/> naming the one that
/// did not answer, instead of letting Orleans retry forever.
/// </summary>
public sealed partial class ClusterDependencyCheck(
    IConfiguration configuration,
    bool includeStorage,
    IOptions<GatewayHostingOptions> hosting,
    ILogger<ClusterDependencyCheck> logger) : IHostedService
{
    /// <summary>The dependencies named by the configuration: clustering, and (on silos) grain storage and reminders.</summary>
    public static IReadOnlyList<ClusterDependency> Find(IConfiguration configuration, bool includeStorage)
    {
        var found = new List<ClusterDependency>();
        var orleans = configuration.GetSection("Orleans");
        var clustering = orleans.GetSection("Clustering");
        if (clustering["ProviderType"] is "Redis" or "AzureRedisCache"
            && GatewayClusterConfiguration.ProviderConnectionString(configuration, clustering) is { Length: > 0 } redis)
        {
            found.Add(new ClusterDependency(ClusterDependency.Redis, "Orleans:Clustering", redis));
        }

        if (includeStorage)
        {
            var sections = orleans.GetSection("GrainStorage").GetChildren().Append(orleans.GetSection("Reminders"));
            foreach (var section in sections)
            {
                if (section["ProviderType"] == GatewayClusterConfiguration.AzureTableProviderType
                    && GatewayClusterConfiguration.ProviderConnectionString(configuration, section) is { Length: > 0 } tables)
                {
                    var index = found.FindIndex(d => d.ConnectionString == tables);
                    found.Add(index < 0
                        ? new ClusterDependency(ClusterDependency.AzureTables, section.Path, tables)
                        : found[index] with { UsedFor = found[index].UsedFor + ", " + section.Path });
                    if (index >= 0)
                    {
                        found.RemoveAt(index);
                    }
                }
            }
        }

        return found;
    }

    /// <summary>Connects to one dependency; throws <see cref="ClusterDependencyUnavailableException"/> when it does not answer in time.</summary>
    public static async Task CheckAsync(ClusterDependency dependency, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var where = dependency.ConnectionString;
        try
        {
            if (dependency.Service == ClusterDependency.Redis)
            {
                var options = ConfigurationOptions.Parse(dependency.ConnectionString);
                where = string.Join(",", options.EndPoints.Select(e => e.ToString()));
                options.AbortOnConnectFail = true;
                options.ConnectRetry = 1;
                options.ConnectTimeout = (int)timeout.TotalMilliseconds;
                await using var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(deadline.Token);
                await redis.GetDatabase().PingAsync().WaitAsync(deadline.Token);
            }
            else
            {
                var clientOptions = new TableClientOptions();
                clientOptions.Retry.MaxRetries = 0;
                clientOptions.Retry.NetworkTimeout = timeout;
                var tables = Uri.TryCreate(dependency.ConnectionString, UriKind.Absolute, out var uri)
                    ? new TableServiceClient(uri, clientOptions)
                    : new TableServiceClient(dependency.ConnectionString, clientOptions);
                where = tables.Uri.ToString();
                await foreach (var page in tables.QueryAsync(filter: (string?)null, maxPerPage: 1, cancellationToken: deadline.Token).AsPages())
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is not ClusterDependencyUnavailableException && !cancellationToken.IsCancellationRequested)
        {
            var reason = exception is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : exception.Message;
            throw new ClusterDependencyUnavailableException(
                $"{dependency.Service} is unreachable at {where} (used for {dependency.UsedFor}): {reason}", exception);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(hosting.Value.StartupCheckTimeoutSeconds);
        foreach (var dependency in Find(configuration, includeStorage))
        {
            try
            {
                await CheckAsync(dependency, timeout, cancellationToken);
                LogReachable(logger, dependency.Service, dependency.UsedFor);
            }
            catch (ClusterDependencyUnavailableException exception)
            {
                LogUnreachable(logger, exception.Message);
                throw;
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "{Service} answered ({UsedFor})")]
    private static partial void LogReachable(ILogger logger, string service, string usedFor);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Critical, Message = "Cannot start: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);
}
