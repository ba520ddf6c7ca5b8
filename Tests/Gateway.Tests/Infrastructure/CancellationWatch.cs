namespace OrleansGateway.Tests.Infrastructure;

/// <summary>
/// Watches a <see cref="FakeProviderServer"/> for a request its caller cancelled, from construction until disposed:
/// <see cref="Cancelled"/> completes at the first one.
/// </summary>
public sealed class CancellationWatch : IDisposable
{
    private readonly FakeProviderServer _provider;
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationWatch(FakeProviderServer provider)
    {
        _provider = provider;
        _provider.RequestCancelled += OnCancelled;
    }

    /// <summary>Completes when a request to the provider was cancelled.</summary>
    public Task Cancelled => _cancelled.Task;

    public void Dispose() => _provider.RequestCancelled -= OnCancelled;

    private void OnCancelled() => _cancelled.TrySetResult();
}
