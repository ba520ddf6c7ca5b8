using OrleansGateway.Tests.Cluster;

namespace OrleansGateway.Tests.Hosting;

/// <summary>A host started from another directory (as scripts/cluster.sh does from the repository root) still loads its own appsettings.json.</summary>
public sealed class ContentRootTests
{
    [Fact]
    public async Task Frontend_StartedFromAnotherDirectory_LoadsItsOwnAppSettings()
    {
        var elsewhere = Directory.CreateTempSubdirectory("gateway-content-root-");
        var baseUrl = $"http://127.0.0.1:{FreePorts.Next()}";
        await using var frontend = HostProcess.Start(
            "frontend-elsewhere",
            ClusterFixture.BuiltDll("Frontend", "OrleansGateway.Frontend.dll"),
            baseUrl,
            new Dictionary<string, string?> { ["DOTNET_ENVIRONMENT"] = "Production", ["ASPNETCORE_ENVIRONMENT"] = "Production" },
            elsewhere.FullName);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(10) };
            JsonElement? providers = null;
            await Eventually.UntilAsync(async () =>
            {
                if (frontend.HasExited)
                {
                    throw new Xunit.Sdk.XunitException($"The frontend exited.\n{frontend.Tail()}");
                }

                try
                {
                    providers = await http.GetFromJsonAsync<JsonElement>("/v1/providers");
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "the frontend to answer /v1/providers", TimeSpan.FromSeconds(90));

            // Frontend/appsettings.json sets openai's MaxConcurrency to 32; the built-in default is 16.
            var openai = providers!.Value.GetProperty("data").EnumerateArray().Single(p => p.GetProperty("provider").GetString() == "openai");
            Assert.True(openai.GetProperty("max_concurrency").GetInt32() == 32, $"Expected openai's limit from Frontend/appsettings.json (32), got {openai}.\n{frontend.Tail()}");
        }
        finally
        {
            await frontend.StopAsync(TimeSpan.FromSeconds(20));
            elsewhere.Delete(recursive: true);
        }
    }
}
