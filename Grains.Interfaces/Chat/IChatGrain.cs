namespace OrleansGateway.Chat;

/// <summary>
/// Runs chat completions where it is activated (a stateless worker on every silo), taking
/// provider slots from the provider's <c>IProviderGrain</c>.
/// </summary>
[Alias("gw.IChatGrain")]
public interface IChatGrain : IGrainWithIntegerKey
{
    /// <summary>Runs one completion, with retries and fallbacks, and returns its result or error.</summary>
    [Alias("Complete"), ResponseTimeout("00:30:00")]
    Task<ChatOutcome> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default);
}
