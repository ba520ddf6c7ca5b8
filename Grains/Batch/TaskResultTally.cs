namespace OrleansGateway.Batch;

/// <summary>Counts a task group's results into its <see cref="TaskGrainProgress"/>.</summary>
public static class TaskResultTally
{
    /// <summary>Completed and failed tasks, and the completed ones' token usage.</summary>
    public static TaskGrainProgress Count(IEnumerable<TaskResultEntry> entries)
    {
        int completed = 0, failed = 0, prompt = 0, completion = 0, total = 0;
        foreach (var entry in entries)
        {
            if (entry.Status == BatchTaskStatus.Completed)
            {
                completed++;
                prompt += entry.PromptTokens;
                completion += entry.CompletionTokens;
                total += entry.TotalTokens;
            }
            else if (entry.Status == BatchTaskStatus.Failed)
            {
                failed++;
            }
        }

        return new TaskGrainProgress(completed, failed, new TokenUsage(prompt, completion, total));
    }
}
