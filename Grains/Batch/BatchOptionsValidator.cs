namespace OrleansGateway.Batch;

/// <summary>Checks the batch settings at start and reports every failure at once, naming the setting.</summary>
internal sealed class BatchOptionsValidator : IValidateOptions<BatchOptions>
{
    public ValidateOptionsResult Validate(string? name, BatchOptions options)
    {
        var failures = new List<string>();
        var prefix = BatchOptions.SectionName;
        if (options.MaxTasksPerJob <= 0)
        {
            failures.Add($"{prefix}:MaxTasksPerJob must be positive (was {options.MaxTasksPerJob}).");
        }

        if (options.MaxRequestBodyBytes <= 0)
        {
            failures.Add($"{prefix}:MaxRequestBodyBytes must be positive (was {options.MaxRequestBodyBytes}).");
        }

        if (options.MaxMetadataBytes <= 0)
        {
            failures.Add($"{prefix}:MaxMetadataBytes must be positive (was {options.MaxMetadataBytes}).");
        }

        if (options.OpenAiCompletionWindow <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:OpenAiCompletionWindow must be positive (was {options.OpenAiCompletionWindow}).");
        }

        if (options.TasksPerGrain is <= 0 or > 10_000)
        {
            failures.Add($"{prefix}:TasksPerGrain must be between 1 and 10000 (was {options.TasksPerGrain}).");
        }

        if (options.MaxListedJobs is <= 0 or > 15_000)
        {
            failures.Add($"{prefix}:MaxListedJobs must be between 1 and 15000 (was {options.MaxListedJobs}): the list is one stored record.");
        }

        if (options.MaxInFlightPerJob is <= 0)
        {
            failures.Add($"{prefix}:MaxInFlightPerJob must be positive when set (was {options.MaxInFlightPerJob}).");
        }

        if (options.UnsubmittedGroupsTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:UnsubmittedGroupsTimeout must be positive (was {options.UnsubmittedGroupsTimeout}).");
        }

        if (options.ResumeReminderPeriod <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:ResumeReminderPeriod must be positive (was {options.ResumeReminderPeriod}).");
        }

        if (options.ResultWriteDelay < TimeSpan.Zero || options.ResultWriteDelay > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{prefix}:ResultWriteDelay must be between 0 and 10 seconds (was {options.ResultWriteDelay}).");
        }

        if (options.MaxInlineResultBytes < 0 || options.MaxInlineInputBytes < 0)
        {
            failures.Add($"{prefix}:MaxInlineResultBytes and {prefix}:MaxInlineInputBytes must not be negative.");
        }

        if (options.ProviderWaitLimit < TimeSpan.Zero)
        {
            failures.Add($"{prefix}:ProviderWaitLimit must not be negative (was {options.ProviderWaitLimit}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
