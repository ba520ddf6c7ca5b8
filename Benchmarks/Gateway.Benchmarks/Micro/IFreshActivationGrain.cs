namespace OrleansGateway.Benchmarks.Micro;

/// <summary>A benchmark-only grain activated once per call and deactivated after it, as the streaming grain is per stream.</summary>
[Alias("bench.IFreshActivationGrain")]
public interface IFreshActivationGrain : IGrainWithGuidKey
{
    [Alias("Ping")]
    Task<int> PingAsync();
}
