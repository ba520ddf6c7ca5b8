using OrleansGateway.Tests.Streaming;

namespace OrleansGateway.Tests.Operations;

/// <summary>An open embedded gateway on Kestrel whose <c>fake</c> provider takes two calls at a time, so a batch moves visibly.</summary>
public sealed class OperationsGatewayFixture : KestrelGatewayFixture
{
    public const int ProviderLimit = 2;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Gateway:Providers:fake:MaxConcurrency"] = ProviderLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
