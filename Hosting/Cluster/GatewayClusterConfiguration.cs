using OrleansGateway.Storage;

namespace OrleansGateway.Hosting;

/// <summary>
/// The gateway's cluster settings on top of the standard <c>Orleans</c> configuration section that
/// Orleans reads by itself (and .NET Aspire writes). Two shorthands fill that section in:
/// <c>ConnectionStrings:redis</c> means Redis clustering; <c>ConnectionStrings:tables</c> means
/// Azure Table storage for every grain storage the gateway uses and for reminders. Settings
/// written out in the <c>Orleans</c> section always win over the shorthands.
/// </summary>
public static class GatewayClusterConfiguration
{
    /// <summary>The connection string name of the Redis shorthand (<c>ConnectionStrings:redis</c>).</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>The connection string name of the Azure Table storage shorthand (<c>ConnectionStrings:tables</c>).</summary>
    public const string TablesConnectionName = "tables";

    /// <summary>The cluster and service id when none is configured; silos and frontends must agree on both.</summary>
    public const string DefaultClusterId = "llm-gateway";

    /// <summary>The Orleans provider type name of Redis clustering.</summary>
    public const string RedisProviderType = "Redis";

    /// <summary>The Orleans provider type name of Azure Table grain storage and reminders.</summary>
    public const string AzureTableProviderType = "AzureTableStorage";

    /// <summary>Grain storage names the shorthand points at Azure Table storage: the gateway's, and Orleans' default.</summary>
    public static IReadOnlyList<string> StorageNames { get; } = [GatewayStorage.Name, "Default"];

    /// <summary>Whether silos find each other through a clustering provider (cluster mode) rather than on localhost.</summary>
    public static bool IsCluster(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["Orleans:Clustering:ProviderType"])
        || !string.IsNullOrWhiteSpace(configuration.GetConnectionString(RedisConnectionName));

    /// <summary>
    /// The <c>Orleans</c> settings the shorthands stand for, leaving out every key already configured.
    /// Empty when neither shorthand is set. Storage and reminders only for a silo
    /// (<paramref name="silo"/>): an Orleans client refuses a reminders section.
    /// </summary>
    public static Dictionary<string, string?> ShorthandSettings(IConfiguration configuration, bool silo)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        void Default(string key, string value)
        {
            if (string.IsNullOrWhiteSpace(configuration[key]))
            {
                settings[key] = value;
            }
        }

        if (!IsCluster(configuration))
        {
            return settings;
        }

        Default("Orleans:ClusterId", DefaultClusterId);
        Default("Orleans:ServiceId", DefaultClusterId);
        if (!string.IsNullOrWhiteSpace(configuration.GetConnectionString(RedisConnectionName))
            && !configuration.GetSection("Orleans:Clustering").Exists())
        {
            settings["Orleans:Clustering:ProviderType"] = RedisProviderType;
            settings["Orleans:Clustering:ConnectionName"] = RedisConnectionName;
        }

        if (silo && !string.IsNullOrWhiteSpace(configuration.GetConnectionString(TablesConnectionName)))
        {
            foreach (var name in StorageNames)
            {
                if (!configuration.GetSection($"Orleans:GrainStorage:{name}").Exists())
                {
                    settings[$"Orleans:GrainStorage:{name}:ProviderType"] = AzureTableProviderType;
                    settings[$"Orleans:GrainStorage:{name}:ConnectionName"] = TablesConnectionName;
                }
            }

            if (!configuration.GetSection("Orleans:Reminders").Exists())
            {
                settings["Orleans:Reminders:ProviderType"] = AzureTableProviderType;
                settings["Orleans:Reminders:ConnectionName"] = TablesConnectionName;
            }
        }

        return settings;
    }

    /// <summary>
    /// Adds the shorthands' <c>Orleans</c> settings to the configuration of a silo or (<paramref name="silo"/>
    /// false) a frontend. Call before <c>UseOrleans</c> / <c>UseOrleansClient</c>, which read the
    /// section when they are called.
    /// </summary>
    public static IConfigurationManager AddGatewayClusterShorthands(this IConfigurationManager configuration, bool silo)
    {
        var settings = ShorthandSettings(configuration, silo);
        if (settings.Count > 0)
        {
            configuration.AddInMemoryCollection(settings);
        }

        return configuration;
    }

    /// <summary>A connection string named by a provider section (<c>ConnectionString</c>, or <c>ConnectionName</c> under <c>ConnectionStrings</c>).</summary>
    public static string? ProviderConnectionString(IConfiguration configuration, IConfigurationSection provider)
    {
        if (provider["ConnectionString"] is { Length: > 0 } connectionString)
        {
            return connectionString;
        }

        return provider["ConnectionName"] is { Length: > 0 } name ? configuration.GetConnectionString(name) : null;
    }
}
