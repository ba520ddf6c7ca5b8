namespace OrleansGateway.Hosting;

/// <summary>
/// Reads <see cref="GatewayHostingOptions"/> from configuration: the <c>Gateway:Hosting</c> section,
/// and for each setting it leaves unset the key that setting had before (<see cref="LegacyKeys"/>), so
/// existing deployments keep working. A host logs a warning at start for each old key in use.
/// </summary>
public static class GatewayHostingSettings
{
    /// <summary>Each setting's old key, by the setting's name in <c>Gateway:Hosting</c>.</summary>
    public static IReadOnlyDictionary<string, string> LegacyKeys { get; } = new Dictionary<string, string>
    {
        [nameof(GatewayHostingOptions.ShutdownTimeoutSeconds)] = "Gateway:ShutdownTimeoutSeconds",
        [nameof(GatewayHostingOptions.StartupCheckTimeoutSeconds)] = "Orleans:StartupCheckTimeoutSeconds",
        [nameof(GatewayHostingOptions.SiloResponseTimeoutSeconds)] = "Orleans:Silo:ResponseTimeoutSeconds",
        [nameof(GatewayHostingOptions.ClientResponseTimeoutSeconds)] = "Orleans:Client:ResponseTimeoutSeconds",
        [nameof(GatewayHostingOptions.SiloListRefreshSeconds)] = "Orleans:Client:GatewayListRefreshSeconds",
        [nameof(GatewayHostingOptions.ClientConnectRetrySeconds)] = "Orleans:Client:ConnectRetrySeconds",
        [nameof(GatewayHostingOptions.DistributedGrainDirectory)] = "Gateway:Cluster:DistributedGrainDirectory",
    };

    /// <summary>The hosting options <paramref name="configuration"/> sets; for code that must decide while the host is built.</summary>
    public static GatewayHostingOptions Read(IConfiguration configuration)
    {
        var options = new GatewayHostingOptions();
        Bind(configuration, options);
        return options;
    }

    /// <summary>Binds the old keys still in use, then the <c>Gateway:Hosting</c> section over them.</summary>
    public static void Bind(IConfiguration configuration, GatewayHostingOptions options)
    {
        var legacy = LegacyKeysInUse(configuration);
        if (legacy.Count > 0)
        {
            new ConfigurationBuilder()
                .AddInMemoryCollection(legacy.Select(l => KeyValuePair.Create(l.Setting, configuration[l.OldKey])))
                .Build()
                .Bind(options);
        }

        configuration.GetSection(GatewayHostingOptions.SectionName).Bind(options);
    }

    /// <summary>The old keys set in <paramref name="configuration"/> whose new key is not set (those are read, with a warning).</summary>
    public static IReadOnlyList<(string Setting, string OldKey)> LegacyKeysInUse(IConfiguration configuration)
    {
        var section = configuration.GetSection(GatewayHostingOptions.SectionName);
        return LegacyKeys
            .Where(pair => string.IsNullOrEmpty(section[pair.Key]) && !string.IsNullOrEmpty(configuration[pair.Value]))
            .Select(pair => (pair.Key, pair.Value))
            .ToList();
    }
}
