namespace OrleansGateway.Frontend.Hosting;

/// <summary>What <see cref="StartupWarmUp"/> did: how many provider grains it activated, whether the in-memory call answered, how long it took.</summary>
public sealed record WarmUpReport(int ProviderGrains, bool CallPathAnswered, TimeSpan Elapsed);
