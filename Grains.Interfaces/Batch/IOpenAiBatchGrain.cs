namespace OrleansGateway.Batch;

/// <summary>
/// One OpenAI batch (keyed by its id, <c>batch_...</c>): OpenAI's metadata and the output and error files,
/// over the <see cref="IBatchJobGrain"/> of the same id that runs its lines.
/// </summary>
[Alias("gw.IOpenAiBatchGrain")]
public interface IOpenAiBatchGrain : IGrainWithStringKey
{
    /// <summary>Records the batch (failed at once when <see cref="OpenAiBatchSpec.Errors"/> is not empty) and starts its job; a batch already recorded is returned as is.</summary>
    [Alias("Create"), ResponseTimeout("00:05:00")]
    Task<OpenAiBatchView> CreateAsync(OpenAiBatchSpec spec);

    /// <summary>The batch, or null when none has this id.</summary>
    [Alias("Get")]
    Task<OpenAiBatchView?> GetAsync();

    /// <summary>Cancels the batch's job (finished lines are kept); null when none has this id.</summary>
    [Alias("Cancel")]
    Task<OpenAiBatchView?> CancelAsync();
}
