namespace OrleansGateway.Hosting;

/// <summary>
/// How a gateway host (silo or frontend) runs: timeouts of its Orleans calls, its start-up check,
/// its shutdown drain (section <c>Gateway:Hosting</c>, validated at start by
/// <see cref="GatewayHostingOptionsValidator"/>). The keys these settings had before
/// (<see cref="GatewayHostingSettings.LegacyKeys"/>) are still read when the new key is not set,
/// with a warning at start naming the new key.
/// </summary>
public sealed class GatewayHostingOptions
{
    /// <summary>The configuration section: <c>Gateway:Hosting</c>.</summary>
    public const string SectionName = "Gateway:Hosting";

    /// <summary>The longest setting in seconds the validator accepts: one day.</summary>
    public const double MaxSeconds = 86_400;

    /// <summary>
    /// On SIGTERM the host stops taking requests and gives those in flight (and a silo's grains and
    /// streams) this long to finish. Default 30 (was <c>Gateway:ShutdownTimeoutSeconds</c>).
    /// </summary>
    public double ShutdownTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Whether a frontend warms what a first request needs before it starts listening: it activates each
    /// configured provider's grain and runs the provider call's code (request writer, the <c>OpenAI</c>
    /// package's protocol call, response reader) and the <c>/v1</c> request parser once against an in-memory
    /// answer, never the provider. Bounded by 2 s. Default true.
    /// </summary>
    public bool WarmUpAtStart { get; set; } = true;

    /// <summary>
    /// How long the cluster start-up check waits for each Redis and Azure Table storage before the
    /// host exits naming it. Default 5 (was <c>Orleans:StartupCheckTimeoutSeconds</c>).
    /// </summary>
    public double StartupCheckTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// How long a grain call made from a silo (including the embedded frontend's calls and each step
    /// of a streamed response) may wait for its answer. Orleans' own default of 30 s is shorter than a
    /// provider call may take (its timeout, a queue wait and retries). Default 600 (was
    /// <c>Orleans:Silo:ResponseTimeoutSeconds</c>).
    /// </summary>
    public double SiloResponseTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// How long a cluster frontend waits for a grain call (a chat call lasts as long as the provider
    /// plus the wait for a slot). Default 600 (was <c>Orleans:Client:ResponseTimeoutSeconds</c>).
    /// </summary>
    public double ClientResponseTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// How often a cluster frontend reads the list of silos it can connect to, so a restarted silo
    /// takes traffic soon. Default 5 (was <c>Orleans:Client:GatewayListRefreshSeconds</c>).
    /// </summary>
    public double SiloListRefreshSeconds { get; set; } = 5;

    /// <summary>
    /// How long a cluster frontend keeps trying (once a second) to reach a first silo at start; 0
    /// gives up at the first failure. Default 60 (was <c>Orleans:Client:ConnectRetrySeconds</c>).
    /// </summary>
    public double ClientConnectRetrySeconds { get; set; } = 60;

    /// <summary>
    /// Whether cluster silos use Orleans' distributed grain directory (marked experimental by Orleans);
    /// false: the default directory, under which a silo crash also deactivates grains on other silos
    /// whose entries it held. Default true (was <c>Gateway:Cluster:DistributedGrainDirectory</c>).
    /// </summary>
    public bool DistributedGrainDirectory { get; set; } = true;
}
