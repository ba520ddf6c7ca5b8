using System.Diagnostics;
using Xunit.Abstractions;

namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// Streams whose grain runs on one silo while the frontends' Orleans gateway connection to the other silo closes
/// (SIGTERM, or kill -9 of that silo). The frontend gives up every grain call in flight when a gateway connection
/// closes (its answer may never come), so each running stream's read is lost mid-stream; the stream must be read on
/// from where it was, through the other gateway, with every chunk exactly once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterStreamResumeTests(ClusterFixture cluster, ITestOutputHelper output) : ClusterTest(cluster)
{
    /// <summary>Chunks per stream, one every <see cref="s_chunkDelay"/>: a stream runs about 2.4 s after its first byte.</summary>
    private const int Chunks = 24;

    private static readonly TimeSpan s_chunkDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Rounds a test may take: a round in which no stream read happened to be in flight through the lost connection
    /// (all running streams were on the victim) proves nothing and is repeated after the victim is back.
    /// </summary>
    private const int MaxRounds = 3;

    [Fact]
    public async Task Sigterm_GatewaySiloWhileStreamsRunOnTheOther_EveryStreamArrivesWholeAndOnce()
    {
        var resumes = await RunRoundsAsync("SIGTERM to", victim => victim.Process!.StopAsync(TimeSpan.FromSeconds(90)), reportExit: true, moreStreams: 4, (victim, after, stoppedAt) =>
        {
            var broken = after.Where(o => o.Error is not null).ToList();
            Assert.True(broken.Count == 0,
                $"{broken.Count} of {after.Count} streams ending from SIGTERM of {victim.Name} on were not whole: "
                + string.Join("; ", broken.Take(5).Select(b => $"{b.Frontend} at +{(b.Ended - stoppedAt).TotalSeconds:0.0}s: {b.Error}")) + "\n" + Cluster.Tails());
        });

        Assert.True(resumes > 0, $"No frontend resumed a stream in {MaxRounds} rounds: no stream read was in flight when the victim's gateway closed, so the test proved nothing.\n{Cluster.Tails()}");
    }

    [Fact]
    public async Task KillNine_GatewaySiloWhileStreamsRunOnTheOther_StreamsOnTheSurvivorArriveWholeAndOnce()
    {
        var resumes = await RunRoundsAsync("kill -9 of", victim =>
        {
            victim.Process!.KillHard();
            return Task.CompletedTask;
        }, reportExit: false, moreStreams: 6, (victim, after, killedAt) =>
        {
            // A stream whose grain ran on the killed silo dies with its provider request; it may end with the one error that
            // says so (never a partial text without an error). Every other stream must be whole.
            var broken = after.Where(o => o.Error is not null && !o.Error.Contains("lost with the silo that ran it", StringComparison.Ordinal)).ToList();
            Assert.True(broken.Count == 0,
                $"{broken.Count} of {after.Count} streams ending from kill -9 of {victim.Name} on were not whole (other than those whose grain died with it): "
                + string.Join("; ", broken.Take(5).Select(b => $"{b.Frontend} at +{(b.Ended - killedAt).TotalSeconds:0.0}s: {b.Error}")) + "\n" + Cluster.Tails());
            Assert.True(after.Count(o => o.Error is null) >= 6, $"Too few whole streams after the kill.\n{Cluster.Tails()}");
        });

        Assert.True(resumes > 0, $"No frontend resumed a stream in {MaxRounds} rounds of kill -9: every stream read in flight was on the killed silo.\n{Cluster.Tails()}");
    }

    /// <summary>
    /// Up to <see cref="MaxRounds"/> rounds, until a frontend resumed a stream: streams on every frontend; once 4 are done,
    /// <paramref name="disrupt"/> of the victim (<see cref="PickVictimAsync"/>); then <paramref name="moreStreams"/> more,
    /// and <paramref name="check"/> of the streams ending from the disruption on; the victim restarts. Returns the resumes of the last round.
    /// </summary>
    private async Task<int> RunRoundsAsync(
        string disruption, Func<SiloSlot, Task> disrupt, bool reportExit, int moreStreams, Action<SiloSlot, List<Outcome>, TimeSpan> check)
    {
        var resumes = 0;
        for (var round = 1; round <= MaxRounds && resumes == 0; round++)
        {
            var (victim, survivor) = await PickVictimAsync();
            var resumedBefore = ResumeLines();
            var run = new StreamRun(Cluster);
            using var stop = new CancellationTokenSource();
            var running = run.RunAsync(workersPerFrontend: 2, stop.Token);
            await run.WaitForCompletedAsync(4);

            var disruptedAt = run.Now;
            output.WriteLine($"round {round}: {disruption} {victim.Name} (silo port {victim.SiloPort}) with {run.Outcomes.Count} streams done");
            await disrupt(victim);
            TimeSpan? exitedAfter = reportExit ? run.Now - disruptedAt : null;

            // Streams started after the disruption run on the survivor alone.
            await run.WaitForCompletedAsync(run.Outcomes.Count + moreStreams);
            stop.Cancel();
            await running;

            resumes = ResumeLines() - resumedBefore;
            Report(run, disruptedAt, exitedAfter, resumes);
            check(victim, run.Outcomes.Where(o => o.Ended >= disruptedAt).ToList(), disruptedAt);
            await RestartAsync(victim, survivor);
        }

        return resumes;
    }

    /// <summary>The silo that does not hold the provider's grain, so only the gateway connection and the stream grains there go away.</summary>
    private async Task<(SiloSlot Victim, SiloSlot Survivor)> PickVictimAsync()
    {
        Cluster.Provider.Behavior = r => new FakeReply
        {
            Content = string.Concat(Enumerable.Range(0, Chunks).Select(i => $"{r.LastUserMessage}:{i} ")),
            Chunks = [.. Enumerable.Range(0, Chunks).Select(i => $"{r.LastUserMessage}:{i} ")],
            Delay = TimeSpan.FromMilliseconds(20),
            ChunkDelay = s_chunkDelay,
        };
        using (var warmUp = await Cluster.GenerateAsync(Cluster.Frontends[0], "warm-up"))
        {
            Assert.True(warmUp.StatusCode == HttpStatusCode.OK, await warmUp.Content.ReadAsStringAsync());
        }

        var holder = await Cluster.ProviderGrainSiloAsync("fake");
        return (Cluster.Silos.Single(s => s != holder), holder);
    }

    /// <summary>How many times the frontends logged resuming a stream (event 1315) so far.</summary>
    private int ResumeLines() =>
        Cluster.Frontends.Sum(f => f.Output.Split('\n').Count(line => line.Contains("after", StringComparison.Ordinal) && line.Contains("resuming it", StringComparison.Ordinal)));

    private void Report(StreamRun run, TimeSpan from, TimeSpan? exitedAfter, int resumes)
    {
        var after = run.Outcomes.Where(o => o.Ended >= from).ToList();
        if (exitedAfter is { } exited)
        {
            output.WriteLine($"the victim exited {exited.TotalSeconds:0.00} s after SIGTERM");
        }

        output.WriteLine($"streams ending from then on: {after.Count}, whole {after.Count(o => o.Error is null)}, other {after.Count(o => o.Error is not null)}; resumed reads logged by the frontends: {resumes}");
        foreach (var outcome in after.Where(o => o.Error is not null))
        {
            output.WriteLine($"  {outcome.Frontend} at +{(outcome.Ended - from).TotalSeconds:0.0}s: {outcome.Error}");
        }
    }

    private async Task RestartAsync(SiloSlot victim, SiloSlot survivor)
    {
        foreach (var frontend in Cluster.Frontends)
        {
            await Cluster.WaitForMembersAsync(frontend, [survivor], TimeSpan.FromSeconds(60));
        }

        victim.StartProcess(Cluster.StartSilo(victim));
        foreach (var frontend in Cluster.Frontends)
        {
            await Cluster.WaitForMembersAsync(frontend, Cluster.Silos, ClusterFixture.StartTimeout);
        }
    }

    /// <summary>Stream loops on every frontend, each stream's text checked chunk by chunk.</summary>
    private sealed class StreamRun(ClusterFixture cluster)
    {
        private readonly ConcurrentQueue<Outcome> _outcomes = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public TimeSpan Now => _clock.Elapsed;

        public IReadOnlyCollection<Outcome> Outcomes => _outcomes;

        public Task RunAsync(int workersPerFrontend, CancellationToken stop) =>
            Task.WhenAll(cluster.Frontends.SelectMany(frontend => Enumerable.Range(0, workersPerFrontend).Select(i => Task.Run(async () =>
            {
                var n = 0;
                while (!stop.IsCancellationRequested)
                {
                    var started = Now;
                    var error = await StreamAsync(frontend, $"{frontend.Name}-w{i}-r{n++}");
                    _outcomes.Enqueue(new Outcome(frontend.Name, started, Now, error));
                }
            }))));

        /// <summary>Waits until <paramref name="count"/> streams have ended (at most a minute).</summary>
        public async Task WaitForCompletedAsync(int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (_outcomes.Count < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.True(_outcomes.Count >= count, $"Only {_outcomes.Count} of {count} streams ended within a minute.\n{cluster.Tails()}");
        }

        /// <summary>Null when the stream carried exactly the provider's chunks, in order, once each, then <c>[DONE]</c>.</summary>
        private async Task<string?> StreamAsync(HostProcess frontend, string prompt)
        {
            var json = JsonSerializer.Serialize(new { model = "fake/fake-model", stream = true, messages = new[] { new { role = "user", content = prompt } } });
            using var request = new HttpRequestMessage(HttpMethod.Post, frontend.BaseUrl + "/v1/chat/completions")
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixture.SecretToken);
            string body;
            try
            {
                using var response = await cluster.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return $"{(int)response.StatusCode} {body}";
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
            {
                return exception.GetType().Name + ": " + exception.Message;
            }

            var text = new StringBuilder();
            var done = false;
            foreach (var line in body.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("data: ", StringComparison.Ordinal)))
            {
                var data = line["data: ".Length..];
                if (data == "[DONE]")
                {
                    done = true;
                    continue;
                }

                using var chunk = JsonDocument.Parse(data);
                if (chunk.RootElement.TryGetProperty("error", out var error))
                {
                    return "error event after " + text.Length + " characters: " + error.GetRawText();
                }

                if (chunk.RootElement.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                    && choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    text.Append(content.GetString());
                }
            }

            var expected = string.Concat(Enumerable.Range(0, Chunks).Select(i => $"{prompt}:{i} "));
            if (!done)
            {
                return $"no [DONE] after {text.Length} characters";
            }

            return text.ToString() == expected ? null : $"text differs: expected \"{expected}\", got \"{text}\"";
        }
    }

    private sealed record Outcome(string Frontend, TimeSpan Started, TimeSpan Ended, string? Error);
}
