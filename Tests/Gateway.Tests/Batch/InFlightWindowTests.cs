namespace OrleansGateway.Tests.Batch;

/// <summary>The in-flight window: room, waiting for room, waiting for empty, tasks per call, groups with calls out.</summary>
public sealed class InFlightWindowTests
{
    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 1, 1)]
    [InlineData(15, 15, 1)]
    [InlineData(16, 16, 2)]
    [InlineData(40, 40, 5)]
    [InlineData(64, 64, 8)]
    [InlineData(1000, 1000, 8)]
    public void Constructor_Size_SetsTasksPerCallToAnEighthClamped(int size, int expectedSize, int expectedPerCall)
    {
        var window = new InFlightWindow(size);

        Assert.Equal(expectedSize, window.Size);
        Assert.Equal(expectedPerCall, window.TasksPerCall);
    }

    [Fact]
    public async Task WaitForRoomAsync_Empty_CompletesAtOnceEvenAboveSize()
    {
        var window = new InFlightWindow(2);

        await window.WaitForRoomAsync(5).WaitAsync(TimeSpan.FromSeconds(5));
        await window.WaitUntilEmptyAsync().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WaitForRoomAsync_Full_CompletesOnlyWhenACallLeaves()
    {
        var window = new InFlightWindow(4);
        window.Enter(0, 2);
        window.Enter(1, 2);

        var waiting = window.WaitForRoomAsync(2);
        Assert.False(waiting.IsCompleted, "a full window has no room for two more");

        window.Leave(1, 2);

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, window.InFlight);
    }

    [Fact]
    public async Task WaitForRoomAsync_PartlyFreed_KeepsWaitingUntilEnoughRoom()
    {
        var window = new InFlightWindow(3);
        window.Enter(0, 1);
        window.Enter(0, 1);
        window.Enter(0, 1);

        var waiting = window.WaitForRoomAsync(2);
        window.Leave(0, 1);
        await Task.Yield();
        Assert.False(waiting.IsCompleted, "one free slot is not room for two");

        window.Leave(0, 1);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WaitUntilEmptyAsync_CallsOut_CompletesWhenTheLastLeaves()
    {
        var window = new InFlightWindow(8);
        window.Enter(3, 2);
        window.Enter(5, 1);

        var empty = window.WaitUntilEmptyAsync();
        window.Leave(3, 2);
        await Task.Yield();
        Assert.False(empty.IsCompleted, "a call is still out");

        window.Leave(5, 1);
        await empty.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, window.InFlight);
    }

    [Fact]
    public void GroupsWithCalls_CallsEnterAndLeave_ListsOnlyGroupsWithCallsOut()
    {
        var window = new InFlightWindow(8);
        window.Enter(1, 1);
        window.Enter(1, 1);
        window.Enter(4, 2);
        window.Leave(1, 1);
        window.Leave(4, 2);

        Assert.Equal([1], window.GroupsWithCalls.Order());
    }
}
