using Microsoft.Extensions.Time.Testing;

namespace OrleansGateway.Tests.Providers.Limiter;

public sealed class LeaseTableTests
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(3);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(1));

    private LeaseTable Table() => new(s_ttl, _time);

    [Fact]
    public void Grant_CarriesThePriorityInTheLowestBit_AndCountsBatch()
    {
        var table = Table();
        var interactive = table.Grant(RequestPriority.Interactive, Guid.Empty);
        var batch = table.Grant(RequestPriority.Batch, Guid.Empty);

        Assert.Equal(RequestPriority.Interactive, LeaseTable.PriorityOf(interactive));
        Assert.Equal(RequestPriority.Batch, LeaseTable.PriorityOf(batch));
        Assert.NotEqual(interactive & ~1L, batch & ~1L);
        Assert.Equal((2, 1), (table.Count, table.BatchCount));
        Assert.True(table.Release(batch));
        Assert.False(table.Release(batch), "a lease is released once");
        Assert.Equal((1, 0), (table.Count, table.BatchCount));
    }

    [Fact]
    public void RemoveExpired_DropsOnlyLeasesNotRenewedWithinTheirTimeToLive()
    {
        var table = Table();
        var renewed = table.Grant(RequestPriority.Interactive, Guid.Empty);
        var abandoned = table.Grant(RequestPriority.Batch, Guid.Empty);
        _time.Advance(s_ttl / 2);
        Assert.True(table.TryRenew(renewed));
        _time.Advance(s_ttl / 2);

        Assert.Equal([abandoned], table.RemoveExpired());
        Assert.Empty(table.RemoveExpired());
        Assert.False(table.TryRenew(abandoned), "an expired lease is not renewable outside recovery");
        Assert.Equal((1, 0), (table.Count, table.BatchCount));
    }

    [Fact]
    public void TryFindByRequest_SameRequestId_FindsTheHeldLeaseAndRenewsIt()
    {
        var table = Table();
        var requestId = Guid.NewGuid();
        var granted = table.Grant(RequestPriority.Interactive, requestId);
        _time.Advance(s_ttl - TimeSpan.FromMilliseconds(1));

        Assert.True(table.TryFindByRequest(requestId, out var found));
        Assert.Equal(granted, found);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(table.RemoveExpired());
        Assert.False(table.TryFindByRequest(Guid.Empty, out _), "an empty request id finds nothing");
        table.Release(granted);
        Assert.False(table.TryFindByRequest(requestId, out _), "a released lease is not found again");
    }

    [Fact]
    public void HandOver_ThenRestore_AdoptsEveryLeaseWithItsRequestId()
    {
        var before = Table();
        var requestId = Guid.NewGuid();
        var interactive = before.Grant(RequestPriority.Interactive, requestId);
        var batch = before.Grant(RequestPriority.Batch, Guid.Empty);
        var state = new ProviderGrainState();
        before.HandOver(state);
        Assert.True(state.EndedCleanly && state.MayHaveLeases);

        var after = Table();
        Assert.True(after.Restore(state, recordExists: true));

        Assert.False(after.IsRecovering);
        Assert.Equal((2, 1), (after.Count, after.BatchCount));
        Assert.True(after.TryFindByRequest(requestId, out var found));
        Assert.Equal(interactive, found);
        Assert.True(after.TryRenew(batch));
        Assert.True(after.Grant(RequestPriority.Interactive, Guid.Empty) > batch, "new ids follow the adopted ones");
        Assert.True(state.MayHaveLeases && !state.EndedCleanly && state.HandedOverLeases.Length == 0, "the state is marked as the new activation's");
    }

    [Fact]
    public void RemoveHeldBy_DeadHolder_FreesItsSlotsAtOnce_EvenAfterAHandOver()
    {
        var table = Table();
        var onDead = table.Grant(RequestPriority.Interactive, Guid.NewGuid(), "S127.0.0.1:11111:1");
        var onLive = table.Grant(RequestPriority.Batch, Guid.NewGuid(), "S127.0.0.1:11112:1");
        var unknown = table.Grant(RequestPriority.Interactive, Guid.NewGuid());
        var state = new ProviderGrainState();
        table.HandOver(state);

        var next = Table();
        Assert.True(next.Restore(state, recordExists: true));
        Assert.Equal([onDead], next.RemoveHeldBy(holder => holder == "S127.0.0.1:11111:1"));
        Assert.Equal(2, next.Count);
        Assert.False(next.Release(onDead), "a freed slot is not held any more");
        Assert.True(next.Release(onLive));
        Assert.True(next.Release(unknown));
        Assert.Empty(next.RemoveHeldBy(_ => true));
    }

    [Fact]
    public void Restore_AfterUncleanEnd_RecoversFromRenewalsForOneTimeToLive()
    {
        var state = new ProviderGrainState { MayHaveLeases = true, EndedCleanly = false };
        var table = Table();
        Assert.False(table.Restore(state, recordExists: true));
        Assert.True(table.IsRecovering);

        Assert.True(table.TryRenew(41), "a holder from the previous activation is adopted while recovering");
        Assert.Equal((1, 1), (table.Count, table.BatchCount));
        Assert.True(table.Release(41));
        Assert.False(table.TryRenew(41), "a renewal racing its own release must not bring the lease back");

        _time.Advance(s_ttl);
        Assert.False(table.IsRecovering);
        Assert.False(table.TryRenew(43), "after recovery an unknown lease is not adopted");
    }

    [Fact]
    public void Restore_FirstActivation_StartsEmpty()
    {
        var state = new ProviderGrainState();
        var table = Table();

        Assert.Null(table.Restore(state, recordExists: false));
        Assert.False(table.IsRecovering);
        Assert.Equal(0, table.Count);
        Assert.True(state.MayHaveLeases);
    }
}
