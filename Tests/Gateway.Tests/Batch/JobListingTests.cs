using OrleansGateway.Paging;

namespace OrleansGateway.Tests.Batch;

/// <summary>A job's entry in the registry's list: added once with its owner, marked on the state; a failure logged, not thrown, and tried again.</summary>
public sealed class JobListingTests
{
    private static readonly DateTimeOffset s_submitted = new(2026, 12, 5, 6, 0, 0, TimeSpan.Zero);
    private readonly Registry _registry = new();
    private readonly LogCapture _log = new();

    private JobListing Listing() => new(() => _registry, "job", _log.CreateLogger("batch"));

    [Fact]
    public async Task TryEnsureAsync_NotListed_AddedWithItsOwnerAndMarked()
    {
        var state = new BatchJobState { SubmittedAt = s_submitted, KeyId = "vk_1" };

        await Listing().TryEnsureAsync(state);

        Assert.Equal([("job", s_submitted, (string?)"vk_1")], _registry.Added);
        Assert.True(state.Listed);
    }

    [Fact]
    public async Task TryEnsureAsync_AlreadyListed_NoCall()
    {
        await Listing().TryEnsureAsync(new BatchJobState { SubmittedAt = s_submitted, Listed = true });

        Assert.Empty(_registry.Added);
    }

    [Fact]
    public async Task TryEnsureAsync_RegistryFails_LoggedNotMarkedAndTheNextCallAddsIt()
    {
        var state = new BatchJobState { SubmittedAt = s_submitted };
        var listing = Listing();
        _registry.Failure = new TimeoutException("registry unreachable");

        await listing.TryEnsureAsync(state);

        Assert.False(state.Listed);
        Assert.Contains(_log.Lines, line => line.Contains("could not be added to the job list yet: registry unreachable", StringComparison.Ordinal));

        _registry.Failure = null;
        await listing.TryEnsureAsync(state);

        Assert.True(state.Listed);
        Assert.Single(_registry.Added);
    }

    private sealed class Registry : IBatchRegistryGrain
    {
        public List<(string JobId, DateTimeOffset SubmittedAt, string? KeyId)> Added { get; } = [];

        public Exception? Failure { get; set; }

        public Task AddAsync(string jobId, DateTimeOffset submittedAt) => AddAsync(jobId, submittedAt, null);

        public Task AddAsync(string jobId, DateTimeOffset submittedAt, string? keyId)
        {
            if (Failure is { } failure)
            {
                return Task.FromException(failure);
            }

            Added.Add((jobId, submittedAt, keyId));
            return Task.CompletedTask;
        }

        public Task<IdPage> ListAsync(string? after, int limit) => throw new NotSupportedException();

        public Task<IdPage> ListAsync(string? after, int limit, string? keyId) => throw new NotSupportedException();
    }
}
