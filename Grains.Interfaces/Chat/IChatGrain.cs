namespace OrleansGateway.Chat;

/// <summary>
/// Runs chat completions where it is activated (a stateless worker on every silo), taking
/// provider slots from the provider's <c>IProviderGrain</c>.
/// </summary>
[Alias("gw.IChatGrain")]
public interface IChatGrain : IGrainWithIntegerKey
{
    /// <summary>Runs one completion, with retries and fallbacks, and returns its result or error.</summary>
    [Alias("Complete")]
    Task<ChatOutcome> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default);
}
