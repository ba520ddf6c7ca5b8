namespace OrleansGateway.Batch;

/// <summary>
/// Counters of one <see cref="ITaskGrain"/>, counted from its tasks' stored states (so a task run
/// twice is counted once). <see cref="Done"/> only grows, which orders two progress reports.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.TaskGrainProgress")]
public sealed record TaskGrainProgress(
    [property: Id(0)] int Completed,
    [property: Id(1)] int Failed,
    [property: Id(2)] TokenUsage Usage)
{
    /// <summary>No task done.</summary>
    public static TaskGrainProgress None { get; } = new(0, 0, TokenUsage.Zero);

    /// <summary>Tasks with a final result.</summary>
    public int Done => Completed + Failed;

    /// <summary>
    /// Set when the grain's results could not be stored in grain storage after every attempt: what it
    /// reports stays what was stored before, and its job ends with this error instead of running it again.
    /// </summary>
    [Id(3)]
    public string? StorageError { get; init; }

    /// <summary>
    /// Set on the answer to a run when the provider turned some of its tasks away (circuit open, queue
    /// full, rate limited after the executor's retries): the longest <c>Retry-After</c> it asked for. Those
    /// tasks stay pending and the job's next pass, no sooner than this, runs them again.
    /// </summary>
    [Id(4)]
    public TimeSpan? RetryAfter { get; init; }
}
