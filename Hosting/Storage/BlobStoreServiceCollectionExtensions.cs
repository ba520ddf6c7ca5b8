using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansGateway.Hosting;

namespace OrleansGateway.Storage;

/// <summary>Registers the gateway's <see cref="IBlobStore"/> on a silo or frontend host.</summary>
public static class BlobStoreServiceCollectionExtensions
{
    /// <summary>The connection string name of the blob storage shorthand (<c>ConnectionStrings:blobs</c>).</summary>
    public const string BlobsConnectionName = "blobs";

    /// <summary>
    /// Adds the <see cref="IBlobStore"/> that <see cref="ChooseBlobStore"/> picks. Idempotent. Every host of a
    /// cluster must pick the same (they read the same settings).
    /// </summary>
    public static IServiceCollection AddGatewayBlobStore(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(IBlobStore)))
        {
            return services;
        }

        var options = configuration.GetSection(BlobStoreOptions.SectionName).Get<BlobStoreOptions>() ?? new BlobStoreOptions();
        var (kind, connectionString) = ChooseBlobStore(configuration, options);
        services.TryAddSingleton(options);
        switch (kind)
        {
            case BlobStoreKind.AzureBlobs:
                services.AddSingleton<IBlobStore>(_ => new AzureBlobStore(new BlobContainerClient(connectionString, options.Container)));
                break;
            case BlobStoreKind.Directory:
                services.AddSingleton<IBlobStore>(_ => new DirectoryBlobStore(options.Directory!));
                break;
            case BlobStoreKind.Grains:
                services.AddSingleton<IBlobStore>(sp => new GrainBlobStore(sp.GetRequiredService<IGrainFactory>()));
                break;
            default:
                services.AddSingleton<IBlobStore, InMemoryBlobStore>();
                break;
        }

        return services;
    }

    /// <summary>
    /// The backend: a blob connection string (<c>Gateway:Blobs:ConnectionString</c>, <c>ConnectionStrings:blobs</c>,
    /// or a <c>ConnectionStrings:tables</c> that can serve blobs) means Azure Blob Storage; else a configured
    /// <c>Gateway:Blobs:Directory</c> means files there; else memory when embedded, grain storage in a cluster.
    /// </summary>
    public static (BlobStoreKind Kind, string? ConnectionString) ChooseBlobStore(IConfiguration configuration, BlobStoreOptions options)
    {
        var connectionString = options.ConnectionString is { Length: > 0 } configured
            ? configured
            : configuration.GetConnectionString(BlobsConnectionName) is { Length: > 0 } blobs
                ? blobs
                : configuration.GetConnectionString(GatewayClusterConfiguration.TablesConnectionName) is { Length: > 0 } tables && ServesBlobs(tables)
                    ? tables
                    : null;
        if (connectionString is not null)
        {
            return (BlobStoreKind.AzureBlobs, connectionString);
        }

        if (!string.IsNullOrWhiteSpace(options.Directory))
        {
            return (BlobStoreKind.Directory, null);
        }

        return (GatewayClusterConfiguration.IsCluster(configuration) ? BlobStoreKind.Grains : BlobStoreKind.Memory, null);
    }

    /// <summary>
    /// Whether an Azure Storage connection string reaches the blob service: it names a <c>BlobEndpoint</c>, or
    /// an account without explicit endpoints (<c>UseDevelopmentStorage=true</c> or <c>AccountName</c> with no
    /// <c>TableEndpoint</c>). A string with only a <c>TableEndpoint</c> does not.
    /// </summary>
    public static bool ServesBlobs(string connectionString)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(group => group.Key, group => group.First()[1], StringComparer.OrdinalIgnoreCase);
        if (parts.ContainsKey("BlobEndpoint"))
        {
            return true;
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var development) && development.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return parts.ContainsKey("AccountName") && !parts.ContainsKey("TableEndpoint");
    }
}
