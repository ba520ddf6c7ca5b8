namespace OrleansGateway.Providers;

/// <summary>
/// The gateway's configuration section <c>Gateway</c>: its providers and the request body limit. Named so as
/// not to clash with Orleans' own <c>Orleans.Configuration.GatewayOptions</c> (the client's silo gateways).
/// </summary>
public sealed class ProvidersOptions
{
    /// <summary>The configuration section this binds to.</summary>
    public const string SectionName = "Gateway";

    /// <summary>Providers by lower-case name. Default: the built-in <c>openai</c>, <c>groq</c>, <c>google</c> and <c>local</c>.</summary>
    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Largest request body accepted, in bytes (413 beyond). Default: 4 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;
}
