namespace OrleansGateway.Providers;

/// <summary>The randomness behind retry jitter, injected so tests can fix it.</summary>
public interface IJitterSource
{
    /// <summary>A number in [0, 1).</summary>
    double NextDouble();
}
