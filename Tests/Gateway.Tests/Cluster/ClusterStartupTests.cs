namespace OrleansGateway.Tests.Cluster;

/// <summary>A host whose Redis or Azure Table storage does not answer says which and exits non-zero, quickly.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterStartupTests(ClusterFixture cluster)
{
    private static readonly TimeSpan s_exitWithin = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Silo_RedisUnreachable_ExitsNonZeroNamingRedis()
    {
        var silo = cluster.StartLoneSilo("silo-no-redis", new Dictionary<string, string?> { ["ConnectionStrings__redis"] = $"127.0.0.1:{FreePorts.Next()}" });
        await AssertExitsNamingAsync(silo, "Redis is unreachable");
    }

    [Fact]
    public async Task Silo_AzureTablesUnreachable_ExitsNonZeroNamingAzureTableStorage()
    {
        var deadTables = cluster.Tables.Replace(new Uri(TableEndpoint(cluster.Tables)).Authority, $"127.0.0.1:{FreePorts.Next()}", StringComparison.Ordinal);
        var silo = cluster.StartLoneSilo("silo-no-tables", new Dictionary<string, string?> { ["ConnectionStrings__tables"] = deadTables });
        await AssertExitsNamingAsync(silo, "Azure Table storage is unreachable");
    }

    [Fact]
    public async Task Frontend_RedisUnreachable_ExitsNonZeroNamingRedis()
    {
        var frontend = cluster.StartFrontend("frontend-no-redis", new Dictionary<string, string?> { ["ConnectionStrings__redis"] = $"127.0.0.1:{FreePorts.Next()}" });
        await AssertExitsNamingAsync(frontend, "Redis is unreachable");
    }

    [Fact]
    public async Task Silo_InvalidBatchSetting_ExitsNonZeroNamingTheSetting()
    {
        // The batch grains run on the silos, so the silo binds and validates Gateway:Batch itself.
        var silo = cluster.StartLoneSilo("silo-bad-batch", new Dictionary<string, string?> { ["Gateway__Batch__TasksPerGrain"] = "0" });
        try
        {
            await AssertExitsNamingAsync(silo, "Gateway:Batch:TasksPerGrain");
        }
        finally
        {
            // Had it started, it must not stay in the shared cluster.
            silo.KillHard();
        }
    }

    [Fact]
    public async Task Silo_BlankSecretToken_ExitsNonZeroNamingIt()
    {
        // A blank token would publish the dashboard without authentication.
        var silo = cluster.StartLoneSilo("silo-blank-token", new Dictionary<string, string?> { ["SECRET_TOKEN"] = "  " });
        try
        {
            await AssertExitsNamingAsync(silo, "SECRET_TOKEN is set but blank");
        }
        finally
        {
            silo.KillHard();
        }
    }

    private static async Task AssertExitsNamingAsync(HostProcess host, string expected)
    {
        var exited = await host.WaitForExitAsync(s_exitWithin);
        Assert.True(exited, $"{host.Name} was still running {s_exitWithin.TotalSeconds} s after it started.\n{host.Tail()}");
        Assert.True(host.ExitCode != 0, $"{host.Name} exited with 0.\n{host.Tail()}");
        Assert.True(host.Output.Contains(expected, StringComparison.Ordinal), $"{host.Name}'s output does not say '{expected}'.\n{host.Tail()}");
    }

    private static string TableEndpoint(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .First(pair => pair[0] == "TableEndpoint")[1];
}
