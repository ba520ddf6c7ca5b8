namespace OrleansGateway.Hosting;

/// <summary>Checks the hosting settings at start and reports every failure at once, naming the setting.</summary>
public sealed class GatewayHostingOptionsValidator : IValidateOptions<GatewayHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayHostingOptions options)
    {
        var failures = new List<string>();
        Seconds(failures, nameof(options.ShutdownTimeoutSeconds), options.ShutdownTimeoutSeconds, allowZero: false);
        Seconds(failures, nameof(options.StartupCheckTimeoutSeconds), options.StartupCheckTimeoutSeconds, allowZero: false);
        Seconds(failures, nameof(options.SiloResponseTimeoutSeconds), options.SiloResponseTimeoutSeconds, allowZero: false);
        Seconds(failures, nameof(options.ClientResponseTimeoutSeconds), options.ClientResponseTimeoutSeconds, allowZero: false);
        Seconds(failures, nameof(options.SiloListRefreshSeconds), options.SiloListRefreshSeconds, allowZero: false);
        Seconds(failures, nameof(options.ClientConnectRetrySeconds), options.ClientConnectRetrySeconds, allowZero: true);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Seconds(List<string> failures, string setting, double value, bool allowZero)
    {
        const double max = GatewayHostingOptions.MaxSeconds;
        var key = $"{GatewayHostingOptions.SectionName}:{setting}";
        if (allowZero && !(value is >= 0 and <= max))
        {
            failures.Add($"{key} must be between 0 and {max} seconds (was {value}).");
        }
        else if (!allowZero && !(value is > 0 and <= max))
        {
            failures.Add($"{key} must be greater than 0 and at most {max} seconds (was {value}).");
        }
    }
}
