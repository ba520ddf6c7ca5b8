using System.Diagnostics;
using OrleansGateway.Tests.Cluster;
using Xunit.Abstractions;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// Virtual-key limits across processes: two frontends and two silos on real Redis and Azurite, each
/// frontend admitting under its own allowance of the key. Concurrent requests racing through both
/// frontends admit exactly the rpm (the provider called exactly that often) and never more than
/// max_parallel_requests at the fake provider; a key hammered through both frontends for 95 seconds, with the
/// silo holding its grain killed with kill -9 on the way, never has more than its rpm in a 60-second window and
/// uses it in both windows (no reset, no double counting); concurrent requests cannot overshoot its budget;
/// killing every silo with kill -9 does not reset the rpm window; a revocation made through one frontend is seen
/// by the other within a second.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterKeyLimitTests(ClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
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

    /// <summary>A chat request of the key: its status and, when answered, the provider's reported total tokens.</summary>
    private async Task<(HttpStatusCode Status, long Tokens)> ChatWithUsageAsync(HostProcess frontend, string secret, string prompt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, frontend.BaseUrl + "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "fake/fake-model", max_tokens = 10, messages = new[] { new { role = "user", content = prompt } } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await cluster.Http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, 0);
        }

        var json = await GatewayApplication.ReadJsonAsync(response);
        return (response.StatusCode, json.GetProperty("usage").GetProperty("total_tokens").GetInt64());
    }

    private async Task<JsonElement> ReadKeyAsync(string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, cluster.Frontends[1].BaseUrl + "/admin/keys/" + id);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixture.SecretToken);
        using var response = await cluster.Http.SendAsync(request);
        return await GatewayApplication.ReadJsonAsync(response);
    }

    /// <summary>One request of a hammering run: when it was sent and answered (since the run began), through which frontend, and its status.</summary>
    private sealed record Shot(int Frontend, TimeSpan Sent, TimeSpan Answered, HttpStatusCode Status);

    /// <summary>Requests of the key through both frontends (<paramref name="workersPerFrontend"/> loops each, a pause of <paramref name="pause"/> between requests) until <paramref name="stop"/>.</summary>
    private async Task<List<Shot>> HammerAsync(string secret, string tag, Stopwatch clock, int workersPerFrontend, TimeSpan pause, CancellationToken stop)
    {
        var shots = new ConcurrentQueue<Shot>();
        var workers = Enumerable.Range(0, 2 * workersPerFrontend).Select(async worker =>
        {
            var frontend = worker % 2;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var sent = clock.Elapsed;
                HttpStatusCode status;
                try
                {
                    status = await ChatAsync(cluster.Frontends[frontend], secret, $"{tag} {worker} {i}");
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }

                shots.Enqueue(new Shot(frontend, sent, clock.Elapsed, status));
                await Task.WhenAny(Task.Delay(pause, stop));
            }
        }).ToList();
        await Task.WhenAll(workers);
        return [.. shots];
    }

    /// <summary>
    /// The most admitted requests that certainly fall in one 60-second window: for each admitted request j, those sent
    /// after it and answered before 60 s after it was sent (each was admitted between its sending and its answer).
    /// </summary>
    private static (int Count, TimeSpan From) MostInAWindow(IReadOnlyList<Shot> admitted)
    {
        var most = (Count: 0, From: TimeSpan.Zero);
        foreach (var first in admitted)
        {
            var count = admitted.Count(k => k.Sent >= first.Sent && k.Answered < first.Sent + TimeSpan.FromSeconds(60));
            if (count > most.Count)
            {
                most = (count, first.Sent);
            }
        }

        return most;
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
    public async Task RpmLimit_HammeredThroughBothFrontendsFor95s_WithTheKeysSiloKilled_NoWindowAboveTheLimitAndBothWindowsUseIt()
    {
        const int rpm = 30;
        var tag = "hammer-" + Guid.NewGuid().ToString("N")[..8];
        var (before, _) = await cluster.ActivationsAsync(".KeyGrain");
        var (_, secret) = await CreateKeyAsync(new { name = "cluster-hammer", rpm_limit = rpm });
        var victim = await KeyGrainSiloAsync(before);

        // The fixture does not record requests; this test counts its own at the provider.
        cluster.Provider.RecordRequests = true;
        List<Shot> shots;
        TimeSpan killedAt;
        int called;
        try
        {
            var clock = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var hammer = HammerAsync(secret, tag, clock, workersPerFrontend: 2, TimeSpan.FromMilliseconds(100), stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(20));
            killedAt = clock.Elapsed;
            victim.Process!.KillHard();
            await Task.Delay(TimeSpan.FromSeconds(95) - clock.Elapsed);
            stop.Cancel();
            shots = await hammer;
            called = cluster.Provider.Requests.Count(r => r.LastUserMessage?.StartsWith(tag, StringComparison.Ordinal) == true);
        }
        finally
        {
            cluster.Provider.RecordRequests = false;
            cluster.Provider.Requests.Clear();
        }

        var admitted = shots.Where(s => s.Status == HttpStatusCode.OK).OrderBy(s => s.Sent).ToList();
        var summary = $"{shots.Count} requests, {admitted.Count} admitted at {string.Join(", ", admitted.Select(a => $"{a.Sent.TotalSeconds:F1}s"))}; "
            + $"{shots.Count(s => s.Status == HttpStatusCode.TooManyRequests)} refused with 429, others: "
            + string.Join(", ", shots.Where(s => s.Status is not (HttpStatusCode.OK or HttpStatusCode.TooManyRequests)).GroupBy(s => s.Status).Select(g => $"{(int)g.Key} x{g.Count()}"))
            + $"; {victim.Name} (which held the key's grain) killed at {killedAt.TotalSeconds:F1}s";
        var (most, from) = MostInAWindow(admitted);
        output.WriteLine(summary);
        output.WriteLine($"most admitted within one 60 s window: {most} (from {from.TotalSeconds:F1}s)");
        Assert.True(most <= rpm, $"{most} requests admitted within the 60 s from {from.TotalSeconds:F1}s; rpm_limit is {rpm}. {summary}");
        var first = admitted.Count(a => a.Sent < TimeSpan.FromSeconds(60));
        var second = admitted.Count(a => a.Sent >= TimeSpan.FromSeconds(60));
        Assert.True(first >= rpm * 9 / 10, $"Only {first} admitted in the first minute: the limit is not used. {summary}");
        // The window after the kill: the key's grain on the survivor resumed from storage, so it refills once (no reset, no double counting).
        Assert.True(second >= rpm * 9 / 10 && second <= rpm, $"{second} admitted after the first minute, expected {rpm * 9 / 10} to {rpm}. {summary}");
        // A request admitted whose call was lost with the killed silo may have reached the provider without its answer coming back.
        var lost = shots.Count(s => s.Status is not (HttpStatusCode.OK or HttpStatusCode.TooManyRequests));
        Assert.True(called >= admitted.Count && called <= admitted.Count + lost, $"The provider was called {called} times for {admitted.Count} admitted requests ({lost} lost). {summary}");

        victim.StartProcess(cluster.StartSilo(victim));
        foreach (var frontend in cluster.Frontends)
        {
            await cluster.WaitForMembersAsync(frontend, cluster.Silos, ClusterFixture.StartTimeout);
        }
    }

    /// <summary>The silo where a key grain was activated since <paramref name="before"/> (the dashboard's counts per silo).</summary>
    private async Task<SiloSlot> KeyGrainSiloAsync(Dictionary<SiloSlot, int>? before)
    {
        var last = string.Empty;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            (var now, last) = await cluster.ActivationsAsync(".KeyGrain");
            var grown = now?.Where(a => a.Value > (before?.GetValueOrDefault(a.Key) ?? 0)).Select(a => a.Key).ToList();
            if (grown is { Count: 1 })
            {
                return grown[0];
            }

            await Task.Delay(500);
        }

        throw new Xunit.Sdk.XunitException($"The dashboard never showed the new key's grain on exactly one silo; last counters: {last[..Math.Min(last.Length, 2000)]}");
    }

    [Fact]
    public async Task Budget_ConcurrentRequestsThroughBothFrontends_CannotOvershootIt()
    {
        // At 1 USD a token, each request reserves its input estimate plus max_tokens 10: a budget of 200 pays for about a dozen.
        const decimal budget = 200m;
        var (id, secret) = await CreateKeyAsync(new { name = "cluster-budget", max_budget = budget, budget_duration = "30d" });
        long answeredTokens = 0;
        var admitted = 0;
        var refused = 0;
        for (var wave = 0; wave < 4; wave++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var calls = Enumerable.Range(0, 30).Select(async i =>
            {
                await start.Task;
                return await ChatWithUsageAsync(cluster.Frontends[i % 2], secret, $"budget wave {wave} request {i}");
            }).ToList();
            start.SetResult();
            foreach (var (status, tokens) in await Task.WhenAll(calls))
            {
                Assert.True(status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"Unexpected {(int)status}");
                admitted += status == HttpStatusCode.OK ? 1 : 0;
                refused += status == HttpStatusCode.TooManyRequests ? 1 : 0;
                answeredTokens += tokens;
            }
        }

        // Each frontend reports its settled spend with its next exchange (within about a second).
        JsonElement key = default;
        await Eventually.UntilAsync(async () => (key = await ReadKeyAsync(id)).GetProperty("spend").GetDecimal() == answeredTokens,
            $"the key's spend to be the {answeredTokens} tokens the provider reported for its {admitted} answered requests", TimeSpan.FromSeconds(10));
        Assert.True(key.GetProperty("spend").GetDecimal() <= budget, $"Spend {key.GetProperty("spend")} is above the budget {budget}: {key}");
        Assert.True(admitted >= 5, $"Only {admitted} requests admitted: the budget of {budget} pays for more ({key}).");
        Assert.True(refused > 0, $"No request was refused: 120 requests of about 14 USD each should exhaust a budget of {budget}.");
    }

    [Fact]
    public async Task BatchJobOfAKey_RunsOnTheSilosUnderTheSameRpm_AsTheKeysRequestsOnTheFrontends()
    {
        const int rpm = 4;
        var (id, secret) = await CreateKeyAsync(new { name = "cluster-batch", rpm_limit = rpm });
        var tag = "cluster-batch-" + Guid.NewGuid().ToString("N")[..8];
        var job = new { model = "fake/fake-model", max_tokens = 10, tasks = Enumerable.Range(0, 6).Select(i => new { id = $"t{i}", prompt = $"{tag} {i}" }).ToArray() };
        using var submit = new HttpRequestMessage(HttpMethod.Post, cluster.Frontends[0].BaseUrl + "/v1/batch/generate") { Content = JsonContent.Create(job) };
        submit.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var submitted = await cluster.Http.SendAsync(submit);
        var jobId = (await GatewayApplication.ReadJsonAsync(submitted)).GetProperty("job_id").GetString()!;

        async Task<JsonElement> ReadJobAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, cluster.Frontends[1].BaseUrl + $"/v1/batch/{jobId}?include_results=false");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            using var response = await cluster.Http.SendAsync(request);
            return await GatewayApplication.ReadJsonAsync(response);
        }

        // The tasks run on the silos (their own allowance of the key) and use up the window: 4 run, 2 wait.
        await Batch.BatchPolling.UntilAsync(ReadJobAsync, j => j.GetProperty("completed_count").GetInt32() == rpm, last => $"{rpm} tasks should complete: {last}", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ChatAsync(cluster.Frontends[1], secret, tag + " interactive"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var waiting = await ReadJobAsync();
        Assert.Equal((rpm, 0, "processing"), (waiting.GetProperty("completed_count").GetInt32(), waiting.GetProperty("failed_count").GetInt32(), waiting.GetProperty("status").GetString()));

        using var patch = new HttpRequestMessage(HttpMethod.Patch, cluster.Frontends[0].BaseUrl + "/admin/keys/" + id) { Content = JsonContent.Create(new { rpm_limit = 100 }) };
        patch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixture.SecretToken);
        using (var patched = await cluster.Http.SendAsync(patch))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        var done = await Batch.BatchPolling.UntilAsync(ReadJobAsync, j => j.GetProperty("status").GetString() == "completed", last => $"the job should complete: {last}", TimeSpan.FromSeconds(30));
        Assert.Equal((6, 0), (done.GetProperty("completed_count").GetInt32(), done.GetProperty("failed_count").GetInt32()));
        await Eventually.UntilAsync(async () => (await ReadKeyAsync(id)).GetProperty("spend").GetDecimal() == done.GetProperty("usage").GetProperty("total_tokens").GetInt64(),
            "the key's spend to be the job's tokens (the silos report them with their next exchange)", TimeSpan.FromSeconds(10));
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
