using OrleansGateway.Errors;
using OrleansGateway.Providers;

namespace OrleansGateway.Streaming;

/// <summary>
/// A provider stream that has sent its first token, with the provider slot it holds. Disposing it
/// cancels the provider request and releases its <see cref="ProviderSlot"/>.
/// </summary>
internal sealed class ActiveStream(ProviderRoute route, ProviderSlot slot, ProviderStream stream)
{
    public ProviderRoute Route { get; } = route;

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

    /// <summary>Ends the provider request and releases the slot, reporting how the call went.</summary>
    public async Task CloseAsync(CallOutcome outcome)
    {
        try
        {
            await Stream.DisposeAsync();
        }
        finally
        {
            slot.Release(outcome);
        }
    }
}
