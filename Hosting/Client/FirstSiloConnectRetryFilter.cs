using Orleans;

namespace OrleansGateway.Hosting;

/// <summary>
/// While no silo is up yet, a frontend's Orleans client keeps trying to connect, once a second, for
/// <see cref="GatewayHostingOptions.ClientConnectRetrySeconds"/> after the first failure.
/// </summary>
public sealed class FirstSiloConnectRetryFilter(IOptions<GatewayHostingOptions> options, TimeProvider time) : IClientConnectionRetryFilter
{
    private DateTimeOffset? _giveUpAt;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        _giveUpAt ??= now + TimeSpan.FromSeconds(options.Value.ClientConnectRetrySeconds);
        if (now > _giveUpAt)
        {
            return false;
        }

        await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
        return true;
    }
}
