namespace OrleansGateway.Hosting;

/// <summary>A service the cluster needs at start: Redis (clustering) or Azure Table storage (grain state, reminders).</summary>
/// <param name="Service">"Redis" or "Azure Table storage".</param>
/// <param name="UsedFor">The <c>Orleans</c> settings that use it, e.g. <c>Orleans:Clustering</c>.</param>
/// <param name="ConnectionString">Where it is.</param>
public sealed record ClusterDependency(string Service, string UsedFor, string ConnectionString)
{
    public const string Redis = "Redis";

    public const string AzureTables = "Azure Table storage";
}
