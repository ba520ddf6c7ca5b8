using System.Net;
using OrleansGateway.FakeProvider;

namespace OrleansGateway.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class ClusterShutdownTests(ClusterFixture cluster) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.EnsureHealthyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Frontend_SigtermWithARequestInFlight_FinishesTheRequestAndExitsZero()
    {
        var frontend = cluster.StartFrontend("frontend-drain");
        await cluster.WaitForMembersAsync(frontend, cluster.Silos, ClusterFixture.StartTimeout);
        cluster.Provider.Behavior = r => FakeReply.Text("echo: " + r.LastUserMessage) with { Delay = TimeSpan.FromSeconds(3) };
        cluster.Provider.ResetCounters();

        var request = cluster.GenerateAsync(frontend, "finish me");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (cluster.Provider.InFlight == 0 && DateTime.UtcNow < deadline && !request.IsCompleted)
        {
            await Task.Delay(50);
        }

        Assert.True(cluster.Provider.InFlight == 1, $"The request never reached the provider.\n{frontend.Tail()}");
        var stopping = frontend.StopAsync(TimeSpan.FromSeconds(30));
        using var response = await request;
        await stopping;

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The request in flight at SIGTERM got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{frontend.Tail()}");
        Assert.True(frontend.HasExited && frontend.ExitCode == 0, $"{frontend.Name} did not exit cleanly after SIGTERM (exited: {frontend.HasExited}).\n{frontend.Tail()}");
    }
}
