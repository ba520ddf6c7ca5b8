namespace OrleansGateway.Frontend.Chat;

/// <summary>
/// A frontend's round robin over a pool of integer-keyed grains (keys 0 to size - 1), which Orleans places over
/// the silos. References are resolved once per key (<c>GetGrain</c> resolves the interface by reflection on every call).
/// Each frontend starts at a random key, so frontends do not all begin at key 0.
/// </summary>
public sealed class GrainPool<TGrain>(IGrainFactory grains, int size) where TGrain : class, IGrainWithIntegerKey
{
    private readonly TGrain?[] _grains = new TGrain?[size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "A grain pool needs at least one grain.")];
    private int _next = Random.Shared.Next();

    /// <summary>The next grain of the pool.</summary>
    public TGrain Next()
    {
        var key = (int)((uint)Interlocked.Increment(ref _next) % (uint)_grains.Length);
        return _grains[key] ??= grains.GetGrain<TGrain>(key);
    }
}
