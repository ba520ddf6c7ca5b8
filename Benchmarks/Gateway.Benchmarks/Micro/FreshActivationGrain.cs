namespace OrleansGateway.Benchmarks.Micro;

/// <summary>Answers once and asks to be deactivated, like <c>ChatStreamGrain</c> at the end of a stream.</summary>
public sealed class FreshActivationGrain : Grain, IFreshActivationGrain
{
    public Task<int> PingAsync()
    {
        DeactivateOnIdle();
        return Task.FromResult(1);
    }
}
