namespace OrleansGateway.Batch;

/// <summary>
/// What a <see cref="BatchJobGrain"/> stores: parameters, status, timestamps and the counters last
/// derived from its tasks. Never the tasks or their outputs (those live in the task grains), so
/// it stays small whatever the job's size.
/// </summary>
[GenerateSerializer, Alias("gw.BatchJobState")]
public sealed class BatchJobState
{
    [Id(0)] public string Model { get; set; } = string.Empty;

    [Id(1)] public int? MaxTokens { get; set; }

    [Id(2)] public float? Temperature { get; set; }

    [Id(3)] public float? TopP { get; set; }

    [Id(4)] public string? MetadataJson { get; set; }

    [Id(5)] public int TaskCount { get; set; }

    /// <summary>Tasks per task grain when the job was submitted (later changes of the setting do not move stored tasks).</summary>
    [Id(6)] public int TasksPerGrain { get; set; }

    [Id(7)] public BatchJobStatus Status { get; set; }

    [Id(8)] public DateTimeOffset SubmittedAt { get; set; }

    [Id(9)] public DateTimeOffset? StartedAt { get; set; }

    [Id(10)] public DateTimeOffset? CompletedAt { get; set; }

    [Id(11)] public string? Error { get; set; }

    [Id(12)] public int CompletedCount { get; set; }

    [Id(13)] public int FailedCount { get; set; }

    [Id(14)] public int PromptTokens { get; set; }

    [Id(15)] public int CompletionTokens { get; set; }

    [Id(16)] public int TotalTokens { get; set; }

    /// <summary>Whether the job is known to be in the registry's list.</summary>
    [Id(17)] public bool Listed { get; set; }

    /// <summary>When the job's window closes (an OpenAI batch's <c>completion_window</c>); null: never.</summary>
    [Id(18)] public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The virtual key (its id) that created the job and pays for its tasks; null: an admin key.</summary>
    [Id(19)] public string? KeyId { get; set; }

    /// <summary>
    /// The W3C traceparent of the span that submitted the job (null when nothing traced it): each task's span links to it.
    /// A high id, apart from the job's own fields.
    /// </summary>
    [Id(50)] public string? SubmitterTraceParent { get; set; }

    /// <summary>The state of a job just submitted: queued, with the spec's parameters.</summary>
    public static BatchJobState Submitted(BatchJobSpec spec, int tasksPerGrain, DateTimeOffset now) => new()
    {
        Model = spec.Model,
        MaxTokens = spec.MaxTokens,
        Temperature = spec.Temperature,
        TopP = spec.TopP,
        MetadataJson = spec.MetadataJson,
        TaskCount = spec.TaskCount,
        TasksPerGrain = tasksPerGrain,
        Status = BatchJobStatus.Queued,
        SubmittedAt = now,
        ExpiresAt = spec.ExpiresAt,
        KeyId = spec.KeyId,
    };
}
