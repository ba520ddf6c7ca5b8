namespace OrleansGateway.Frontend.OpenAi.Files;

/// <summary>Checks <see cref="FilesOptions"/> at start, reporting every bad setting at once.</summary>
public sealed class FilesOptionsValidator : IValidateOptions<FilesOptions>
{
    public ValidateOptionsResult Validate(string? name, FilesOptions options)
    {
        var failures = new List<string>();
        if (options.MaxUploadBytes < 1)
        {
            failures.Add($"{FilesOptions.SectionName}:MaxUploadBytes must be at least 1 (is {options.MaxUploadBytes}).");
        }

        if (options.MaxBatchInputLines < 1)
        {
            failures.Add($"{FilesOptions.SectionName}:MaxBatchInputLines must be at least 1 (is {options.MaxBatchInputLines}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
