using Orleans.Serialization;

namespace OrleansGateway.Tests.Batch;

/// <summary>A job's task groups: slices at submission, results across groups in task order, progress of every group, cancel fan-out.</summary>
public sealed class JobTaskGroupsTests
{
    private static readonly Serializer s_serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(BatchTask).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private readonly Dictionary<string, FakeTaskGrain> _grains = [];
    private Func<string, ITaskGrain>? _grainOf;
    private int _resolved;

    private JobTaskGroups Groups(int taskCount, int perGrain)
    {
        _grainOf = key =>
        {
            _resolved++;
            var group = int.Parse(key.Split('/')[1]);
            return _grains.TryGetValue(key, out var grain) ? grain
                : _grains[key] = new FakeTaskGrain(group * perGrain, TaskGrainKeys.GroupSize(group, taskCount, perGrain));
        };
        return new JobTaskGroups(_grainOf, "job", taskCount, perGrain);
    }

    private TaskGroupWriter Writer(long maxCallBytes) => new(key => _grainOf!(key), s_serializer, maxCallBytes);

    [Fact]
    public async Task InitializeAsync_GroupLargerThanOneCall_ArrivesInOrderedPiecesEachWithinTheLimit()
    {
        const long limit = 10_000;
        var tasks = Enumerable.Range(0, 6).Select(i => new BatchTask($"t{i}", [new ChatMessage("user", new string('x', 4_000))])).ToImmutableArray();
        var groups = Groups(6, 6);
        var writer = Writer(limit);

        await groups.InitializeAsync(new BatchJobSpec("fake/m", tasks), writer);

        var pieces = _grains["job/0"].Specs;
        Assert.Equal(3, pieces.Count);
        Assert.Equal([0, 2, 4], pieces.Select(p => p.PieceOffset));
        Assert.All(pieces, piece =>
        {
            Assert.Equal(6, piece.GroupTaskCount);
            Assert.True(piece.Tasks.Sum(writer.SizeOf) <= limit, $"a piece of {piece.Tasks.Sum(writer.SizeOf)} bytes is over the {limit}-byte limit");
        });
        Assert.Equal(tasks.Select(t => t.Id), pieces.SelectMany(p => p.Tasks).Select(t => t.Id));
    }

    [Fact]
    public async Task InitializeAsync_Job_EachGroupGetsItsSliceAndTheJobParameters()
    {
        var tasks = Enumerable.Range(0, 5).Select(i => new BatchTask($"t{i}", [new ChatMessage("user", $"p{i}")])).ToImmutableArray();
        var groups = Groups(5, 2);

        await groups.InitializeAsync(new BatchJobSpec("fake/m", tasks) { MaxTokens = 9, TopP = 0.5f }, Writer(maxCallBytes: 1024 * 1024));

        Assert.Equal(3, groups.Count);
        Assert.Equal(["t0", "t1"], _grains["job/0"].Spec!.Tasks.Select(t => t.Id));
        Assert.Equal(["t4"], _grains["job/2"].Spec!.Tasks.Select(t => t.Id));
        Assert.Equal((4, 9, 0.5f, "job", "fake/m"), (_grains["job/2"].Spec!.FirstIndex, _grains["job/2"].Spec!.MaxTokens, _grains["job/2"].Spec!.TopP, _grains["job/2"].Spec!.JobId, _grains["job/2"].Spec!.Model));
    }

    [Fact]
    public async Task ReadResultsAsync_RangeAcrossGroups_InTaskOrder()
    {
        var groups = Groups(10, 3);

        var results = await groups.ReadResultsAsync(2, 6);

        Assert.Equal([2, 3, 4, 5, 6, 7], results.Select(r => r.Index));
    }

    [Theory]
    [InlineData(-1, 5)]
    [InlineData(10, 5)]
    [InlineData(0, 0)]
    public async Task ReadResultsAsync_OutOfRange_Empty(int offset, int limit)
    {
        Assert.Empty(await Groups(10, 3).ReadResultsAsync(offset, limit));
    }

    [Fact]
    public async Task ReadResultsAsync_PastTheEnd_StopsAtTheLastTask()
    {
        var results = await Groups(10, 3).ReadResultsAsync(8, 1000);

        Assert.Equal([8, 9], results.Select(r => r.Index));
    }

    [Fact]
    public async Task ReadProgressAsync_EveryGroup_ItsOwnCounts()
    {
        var groups = Groups(7, 3);
        _ = groups[1];
        _grains["job/1"].MarkDone(3, 4);

        var progress = await groups.ReadProgressAsync();

        Assert.Equal([0, 2, 0], progress.Select(p => p.Done));
    }

    [Fact]
    public async Task Indexer_SameGroupTwice_ResolvedOnce()
    {
        var groups = Groups(7, 3);

        Assert.Same(groups[2], groups[2]);
        await groups.CancelAsync([2, 0]);

        Assert.Equal(2, _resolved);
        Assert.Equal(1, _grains["job/2"].CancelCalls);
        Assert.Equal(1, _grains["job/0"].CancelCalls);
    }

    [Fact]
    public async Task StoreAsync_NewJob_ReservesThenWritesEveryGroup()
    {
        var tasks = Enumerable.Range(0, 5).Select(i => new BatchTask($"t{i}", [new ChatMessage("user", $"p{i}")])).ToImmutableArray();
        var groups = Groups(5, 2);
        var steps = new List<string>();

        var progress = await groups.StoreAsync(
            new BatchJobSpec("fake/m", tasks),
            () => { steps.Add("writer"); return Writer(maxCallBytes: 1024 * 1024); },
            () => { steps.Add("reserve"); return Task.CompletedTask; },
            () => { steps.Add("discard"); return Task.CompletedTask; });

        Assert.Null(progress);
        Assert.Equal(["reserve", "writer"], steps);
        Assert.Equal(["t4"], _grains["job/2"].Spec!.Tasks.Select(t => t.Id));
    }

    [Fact]
    public async Task StoreAsync_AWriteFails_DiscardsAndThrowsOn()
    {
        var tasks = Enumerable.Range(0, 5).Select(i => new BatchTask($"t{i}", [new ChatMessage("user", $"p{i}")])).ToImmutableArray();
        var groups = Groups(5, 2);
        _ = groups[1];
        _grains["job/1"].InitializeFailure = new TimeoutException("silo gone");
        var discarded = 0;

        var error = await Assert.ThrowsAsync<TimeoutException>(() => groups.StoreAsync(
            new BatchJobSpec("fake/m", tasks),
            () => Writer(maxCallBytes: 1024 * 1024),
            () => Task.CompletedTask,
            () => { discarded++; return Task.CompletedTask; }));

        Assert.Equal("silo gone", error.Message);
        Assert.Equal(1, discarded);
    }

    [Fact]
    public async Task StoreAsync_StoredByTheSubmitter_AnswersTheirProgressWithoutWriting()
    {
        var groups = Groups(5, 2);
        for (var group = 0; group < groups.Count; group++)
        {
            _ = groups[group];
        }

        _grains["job/1"].MarkDone(2);

        var progress = await groups.StoreAsync(
            new BatchJobSpec("fake/m", []) { StoredTaskCount = 5, StoredTasksPerGrain = 2 },
            () => throw new InvalidOperationException("nothing is written for stored tasks"),
            () => throw new InvalidOperationException("nothing is reserved for stored tasks"),
            () => throw new InvalidOperationException("nothing is discarded for stored tasks"));

        Assert.Equal([0, 1, 0], progress!.Select(p => p.Done));
    }

    [Fact]
    public async Task StoreAsync_StoredGroupMissing_ArgumentExceptionNamingIt()
    {
        var groups = Groups(5, 2);
        for (var group = 0; group < groups.Count; group++)
        {
            _ = groups[group];
        }

        _grains["job/2"].InputsMissing = true;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => groups.StoreAsync(
            new BatchJobSpec("fake/m", []) { StoredTaskCount = 5, StoredTasksPerGrain = 2 },
            () => throw new InvalidOperationException("not written"),
            () => Task.CompletedTask,
            () => Task.CompletedTask));

        Assert.Contains("1 of its 3 task groups were not stored (the first: 2)", error.Message);
    }
}
