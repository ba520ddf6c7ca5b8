namespace OrleansGateway.Streaming;

/// <summary>
/// A provider stream that has sent its first token, with the provider slot it holds. Disposing it
/// cancels the provider request and releases its <see cref="ProviderSlot"/>.
/// </summary>
internal sealed class ActiveStream(ProviderAttempt attempt, ProviderStream stream)
{
    public ProviderRoute Route { get; } = attempt.Route;

    /// <summary>The attempt that opened the stream; its telemetry ends when the stream does.</summary>
    public ProviderAttempt Attempt { get; } = attempt;

    public ProviderStream Stream { get; } = stream;

    /// <summary>The next piece (text and, when passed through, the provider's chunk), null at the end, or the error that ended the stream; never throws.</summary>
    public async Task<((string Text, string? RawChunk)? Piece, ProviderCallException? Error)> NextAsync()
    {
        try
        {
            return (await Stream.ReadPieceAsync(), null);
        }
        catch (ProviderCallException exception)
        {
            return (null, exception);
        }
        catch (Exception exception)
        {
            return (null, new ProviderCallException(
                new GatewayError(GatewayErrorKind.Upstream, $"Provider '{Route.Provider}' stream failed: {exception.Message}") { Provider = Route.Provider },
                retryable: false));
        }
    }

    /// <summary>
    /// Ends the provider request and releases the slot, reporting how the call went; an attempt whose
    /// telemetry has not ended yet (its consumer went away) ends as cancelled.
    /// </summary>
    public async Task CloseAsync(CallOutcome outcome)
    {
        try
        {
            await Stream.DisposeAsync();
        }
        finally
        {
            Attempt.Slot.Release(outcome);
            Attempt.Telemetry.Failed(new GatewayError(GatewayErrorKind.Cancelled, "The stream's consumer went away.") { Provider = Route.Provider });
        }
    }
}
