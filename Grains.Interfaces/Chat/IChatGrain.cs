using OrleansGateway.Cluster;

namespace OrleansGateway.Chat;

/// <summary>
/// Runs chat completions where it is activated, taking provider slots from the provider's <c>IProviderGrain</c>.
/// A pool of them (integer keys) spreads over the silos. A call names itself with an id the caller chooses;
/// repeating a call with the same id (the frontend does once, when a call was lost with a silo's client gateway)
/// joins the run already going instead of calling the provider again.
/// </summary>
[Alias("gw.IChatGrain")]
public interface IChatGrain : IGrainWithIntegerKey, IPooledCallGrain
{
    /// <summary>Runs one completion, with retries and fallbacks, and returns its result or error; joins the run of <paramref name="callId"/> if one is going.</summary>
    [Alias("Complete"), ResponseTimeout("00:30:00")]
    Task<ChatOutcome> CompleteAsync(Guid callId, ChatRequest request, CancellationToken cancellationToken = default);
}
