using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace OrleansGateway.Keys;

/// <summary>
/// Per-model prices in USD per million tokens, from <c>Gateway:Providers:&lt;name&gt;:Prices:&lt;model&gt;:InputPerMillion</c>
/// and <c>OutputPerMillion</c>. A model without a price costs 0 (and its usage says it was not priced).
/// </summary>
public sealed class KeyPrices
{
    private readonly Dictionary<string, (decimal Input, decimal Output)> _prices = new(StringComparer.Ordinal);

    public KeyPrices(IConfiguration configuration)
    {
        foreach (var provider in configuration.GetSection("Gateway:Providers").GetChildren())
        {
            foreach (var model in provider.GetSection("Prices").GetChildren())
            {
                _prices[$"{provider.Key}/{model.Key}"] = (Read(model, "InputPerMillion"), Read(model, "OutputPerMillion"));
            }
        }
    }

    /// <summary>The cost of <paramref name="inputTokens"/> and <paramref name="outputTokens"/> of <paramref name="model"/> (<c>provider/model</c>), and whether it has a price.</summary>
    public (decimal Cost, bool Priced) Cost(string model, long inputTokens, long outputTokens) =>
        _prices.TryGetValue(model, out var price)
            ? ((inputTokens * price.Input + outputTokens * price.Output) / 1_000_000m, true)
            : (0m, false);

    private static decimal Read(IConfigurationSection model, string name)
    {
        var text = model[name];
        if (string.IsNullOrEmpty(text))
        {
            return 0m;
        }

        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new InvalidOperationException($"{model.Path}:{name} must be a non-negative number of USD per million tokens, not '{text}'.");
    }
}
