namespace OrleansGateway.Providers;

/// <summary>Jitter from <see cref="Random.Shared"/>.</summary>
public sealed class SharedRandomJitterSource : IJitterSource
{
    public double NextDouble() => Random.Shared.NextDouble();
}
