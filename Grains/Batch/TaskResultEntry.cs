using OrleansGateway.Chat;

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

    /// <summary>Whether the task has its final result.</summary>
    public bool IsFinal => Status != BatchTaskStatus.Pending;

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
