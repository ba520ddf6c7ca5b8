namespace OrleansGateway.Tests.Hosting.Telemetry;

/// <summary>
/// Tests that read exact counts from the gateway's meters. OpenTelemetry's meter provider listens to every meter
/// of a name in the process, so a gateway started by another test class at the same time would add its requests
/// to the counts; this collection runs alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMetricsCollection
{
    public const string Name = "process-metrics";
}
