using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansGateway.FakeProvider;
using OrleansGateway.Tests.Cluster;
using OrleansGateway.Tests.Infrastructure;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// Virtual-key limits across processes: two frontends and two silos on real Redis and Azurite, each
/// frontend admitting under its own allowance of the key. Concurrent requests racing through both
/// frontends admit exactly the rpm (the provider called exactly that often) and never more than
/// max_parallel_requests at the fake provider; killing every silo with kill -9 does not reset the rpm window;
/// a revocation made through one frontend is seen by the other within a second.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterKeyLimitTests(ClusterFixture cluster) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.EnsureHealthyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(string Id, string Secret)> CreateKeyAsync(object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, cluster.Frontends[0].BaseUrl + "/admin/keys") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixture.SecretToken);
        using var response = await cluster.Http.SendAsync(request);
        var json = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
    }

    private async Task<HttpStatusCode> ChatAsync(HostProcess frontend, string secret, string prompt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, frontend.BaseUrl + "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "fake/fake-model", max_tokens = 10, messages = new[] { new { role = "user", content = prompt } } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await cluster.Http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode[]> RaceAsync(string secret, int count)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(async i =>
        {
            await start.Task;
            return await ChatAsync(cluster.Frontends[i % 2], secret, $"request {i}");
        }).ToList();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    [Fact]
    public async Task RpmLimit_ConcurrentRequestsThroughBothFrontends_AdmitExactlyTheLimit()
    {
        const int rpm = 20;
        var (_, secret) = await CreateKeyAsync(new { name = "cluster-rpm", rpm_limit = rpm });
        // Each frontend learns the key before the race, so the race is about the limit only.
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(cluster.Frontends[0], secret, "warm 0"));
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(cluster.Frontends[1], secret, "warm 1"));
        cluster.Provider.ResetCounters();

        var results = await RaceAsync(secret, 80);

        Assert.Equal(rpm - 2, results.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(80 - (rpm - 2), results.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(rpm - 2, cluster.Provider.CompletedCount);
        Assert.Equal(HttpStatusCode.TooManyRequests, await ChatAsync(cluster.Frontends[1], secret, "after"));
    }

    [Fact]
    public async Task MaxParallel_ConcurrentRequestsThroughBothFrontends_ProviderNeverSeesMoreInFlight()
    {
        const int parallel = 2;
        var (_, secret) = await CreateKeyAsync(new { name = "cluster-parallel", max_parallel_requests = parallel });
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(cluster.Frontends[0], secret, "warm 0"));
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(cluster.Frontends[1], secret, "warm 1"));
        cluster.Provider.Behavior = r => FakeReply.Text("echo: " + r.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(300) };
        cluster.Provider.ResetCounters();

        var results = new List<HttpStatusCode>();
        for (var wave = 0; wave < 4; wave++)
        {
            results.AddRange(await RaceAsync(secret, 12));
        }

        var admitted = results.Count(s => s == HttpStatusCode.OK);
        Assert.Equal(results.Count, admitted + results.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.True(cluster.Provider.PeakInFlight <= parallel, $"The fake provider saw {cluster.Provider.PeakInFlight} requests of the key at once; max_parallel_requests is {parallel}.");
        Assert.True(admitted >= 4 * parallel, $"{admitted} of {results.Count} admitted: every wave should get its {parallel} slots.");
        Assert.Equal(admitted, cluster.Provider.CompletedCount);
    }

    [Fact]
    public async Task KillNineEverySilo_AfterTheLimitWasUsed_TheRpmWindowIsNotReset()
    {
        const int rpm = 10;
        var (_, secret) = await CreateKeyAsync(new { name = "cluster-crash", rpm_limit = rpm });
        var before = await RaceAsync(secret, 30);
        Assert.Equal(rpm, before.Count(s => s == HttpStatusCode.OK));

        foreach (var silo in cluster.Silos)
        {
            silo.Process!.KillHard();
        }

        foreach (var silo in cluster.Silos)
        {
            silo.StartProcess(cluster.StartSilo(silo));
        }

        foreach (var frontend in cluster.Frontends)
        {
            await cluster.WaitForMembersAsync(frontend, cluster.Silos, ClusterFixture.StartTimeout);
        }

        // The key's grain is activated anew from its stored state: its window still holds the 10 requests.
        cluster.Provider.ResetCounters();
        var after = await RaceAsync(secret, 10);
        Assert.True(after.All(s => s == HttpStatusCode.TooManyRequests), $"After every silo was killed: {string.Join(", ", after)}\n{cluster.Tails()}");
        Assert.Equal(0, cluster.Provider.TotalCount);
    }

    [Fact]
    public async Task Revocation_ThroughOneFrontend_IsSeenByTheOtherWithinASecond()
    {
        var (id, secret) = await CreateKeyAsync(new { name = "cluster-revoke" });
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(cluster.Frontends[1], secret, "before"));

        using var revoke = new HttpRequestMessage(HttpMethod.Delete, cluster.Frontends[0].BaseUrl + "/admin/keys/" + id);
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixture.SecretToken);
        using (var revoked = await cluster.Http.SendAsync(revoke))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = await ChatAsync(cluster.Frontends[1], secret, "after");
        }
        while (status == HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(clock.Elapsed <= TimeSpan.FromSeconds(1), $"The other frontend accepted the revoked key for {clock.Elapsed.TotalMilliseconds:F0} ms");
    }
}
