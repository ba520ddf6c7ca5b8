namespace OrleansGateway.Batch;

/// <summary>The stored result of one task: pending, or its final output and usage, or its error.</summary>
[GenerateSerializer, Alias("gw.TaskResultEntry")]
public sealed class TaskResultEntry
{
    [Id(0)] public BatchTaskStatus Status { get; set; }

    [Id(1)] public string? Output { get; set; }

    [Id(2)] public int PromptTokens { get; set; }

    [Id(3)] public int CompletionTokens { get; set; }

    [Id(4)] public int TotalTokens { get; set; }

    [Id(5)] public string? Error { get; set; }

    /// <summary>
    /// The blob that holds this whole entry (every field, serialized) when it was too large to keep in grain
    /// state; the state then keeps only its status and token counts. Null when the entry is inline.
    /// </summary>
    [Id(6)] public string? Blob { get; set; }

    /// <summary>The whole chat result, kept for a task that ran a whole request (<see cref="BatchTask.Chat"/>).</summary>
    [Id(7)] public ChatResult? Chat { get; set; }

    /// <summary>The provider's embeddings body of a task that ran <see cref="BatchTask.Embedding"/>.</summary>
    [Id(8)] public byte[]? EmbeddingBody { get; set; }

    /// <summary>The <c>provider/model</c> that answered <see cref="EmbeddingBody"/>.</summary>
    [Id(9)] public string? AnsweredModel { get; set; }

    /// <summary>The error of a failed task that ran a whole request, kept whole for the error file.</summary>
    [Id(10)] public GatewayError? Failure { get; set; }

    /// <summary>Whether the task has its final result.</summary>
    public bool IsFinal => Status != BatchTaskStatus.Pending;

    /// <summary>What clients see of this result as task <paramref name="index"/> (id <paramref name="taskId"/>): its usage only when it completed.</summary>
    public BatchTaskResult ToResult(int index, string taskId) =>
        new(index, taskId, Status, Output, Status == BatchTaskStatus.Completed ? new TokenUsage(PromptTokens, CompletionTokens, TotalTokens) : null, Error)
        {
            Chat = Chat,
            EmbeddingBody = EmbeddingBody,
            AnsweredModel = AnsweredModel,
            Failure = Failure,
        };

    /// <summary>The final result of a provider's answer: its output and usage, or its error.</summary>
    public static TaskResultEntry Of(ChatOutcome outcome) => outcome.Succeeded
        ? new TaskResultEntry
        {
            Status = BatchTaskStatus.Completed,
            Output = outcome.Result.Content,
            PromptTokens = outcome.Result.Usage.PromptTokens,
            CompletionTokens = outcome.Result.Usage.CompletionTokens,
            TotalTokens = outcome.Result.Usage.TotalTokens,
        }
        : new TaskResultEntry { Status = BatchTaskStatus.Failed, Error = outcome.Error.Message };
}
