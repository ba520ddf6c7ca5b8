#pragma warning disable OPENAI001 // The Batch API client is marked experimental by the OpenAI package.
using System.ClientModel;
using System.Globalization;
using OpenAI.Batch;
using OrleansGateway.Tests.Batch;
using OrleansGateway.Tests.Batches;
using Xunit.Abstractions;

namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// Issue 15 in cluster mode: an OpenAI batch (64 lines with 40 KB answers, one task group) created through the official
/// clients on one frontend, every silo restarted mid-batch, then read and downloaded through the other frontend: the
/// batch completes, the output file has every line's full answer once, and the provider answered each line exactly once.
/// And kill -9 of the silo running a batch's job mid-run: the reminder resumes it on the other silo, it completes, every
/// line is in the output file once, and the provider answered each line once (calls the dead silo had in flight are
/// held unanswered at the kill, so they are the only ones made twice); then kill -9 of every silo, all restarted: the
/// batch and its output file read back the same.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterOpenAiBatchesTests(ClusterFixture cluster, ITestOutputHelper output) : ClusterTest(cluster)
{
    private const int Lines = 64;
    private const int AnswerBytes = 40 * 1024;

    [Fact]
    public async Task RestartEverySiloMidBatch_40KbAnswers_CompletesWithEveryLineOnceOneProviderCallPerLine()
    {
        var calls = new ConcurrentDictionary<int, int>();
        // Lines from 16 on wait until the test has seen the batch mid-run, so it cannot finish unseen while a slow
        // read of its progress is on its way (a loaded machine once took 10 s over one).
        var midRunSeen = new ManualResetEventSlim();
        Cluster.Provider.Behavior = request =>
        {
            var index = int.Parse(request.LastUserMessage.Split(' ')[1], CultureInfo.InvariantCulture);
            calls.AddOrUpdate(index, 1, (_, n) => n + 1);
            if (index >= 16)
            {
                midRunSeen.Wait(TimeSpan.FromSeconds(60));
            }

            return FakeReply.Text(Answer(index)) with { Delay = TimeSpan.FromMilliseconds(300) };
        };
        var (clients0, clients1) = (Clients(Cluster.Frontends[0]), Clients(Cluster.Frontends[1]));
        var batchId = await CreateBatchAsync(clients0, "line", Lines, "Cluster.jsonl");
        var rehydrated = await CreateBatchOperation.RehydrateAsync(clients1.Batches, batchId);

        var before = await BatchPolling.UntilAsync(() => ReadAsync(rehydrated), b => Completed(b) >= 6, last => $"The batch never had 6 lines done: {last}\n{Cluster.Tails()}", TimeSpan.FromSeconds(120));
        midRunSeen.Set();
        Assert.True(Completed(before) < Lines / 2, $"The batch was nearly done ({Completed(before)} of {Lines}) before the restart; it must be hit mid-run.");
        output.WriteLine($"stopping every silo with {Completed(before)} of {Lines} lines done");
        foreach (var silo in Cluster.Silos)
        {
            await silo.Process!.StopAsync(TimeSpan.FromSeconds(30));
        }

        foreach (var silo in Cluster.Silos)
        {
            silo.StartProcess(Cluster.StartSilo(silo));
        }

        foreach (var frontend in Cluster.Frontends)
        {
            await Cluster.WaitForMembersAsync(frontend, Cluster.Silos, ClusterFixture.StartTimeout);
        }

        var batch = await AssertCompletesAsync(rehydrated, Lines, "the restart");

        BinaryData content = await clients1.Files.DownloadFileAsync(batch.GetProperty("output_file_id").GetString()!);
        var lines = content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Lines, lines.Length);
        for (var i = 0; i < Lines; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            var text = line.RootElement.GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
            Assert.True(line.RootElement.GetProperty("custom_id").GetString() == $"line-{i}" && text == Answer(i),
                $"Output line {i}: custom_id {line.RootElement.GetProperty("custom_id").GetString()}, content of {text?.Length ?? 0} chars (expected line-{i}'s {AnswerBytes}).");
        }

        var repeated = calls.Where(c => c.Value != 1).Select(c => $"line-{c.Key} x{c.Value}").ToList();
        Assert.True(calls.Count == Lines && repeated.Count == 0, $"The provider answered {calls.Count} distinct lines of {Lines}; more than once: {string.Join(", ", repeated)}");
    }

    [Fact]
    public async Task KillNineSiloRunningBatchMidRun_CompletesWithEveryLineOnceOneProviderAnswerPerLine()
    {
        const int lines = 120;
        var answered = new ConcurrentDictionary<int, int>();
        var received = new ConcurrentDictionary<int, int>();
        var hold = false;
        static int IndexOf(FakeRequest request) => int.Parse(request.LastUserMessage.Split(' ')[1], CultureInfo.InvariantCulture);
        void OnAnswered(FakeRequest request) => answered.AddOrUpdate(IndexOf(request), 1, (_, n) => n + 1);
        Cluster.Provider.RequestAnswered += OnAnswered;
        try
        {
            // While held, calls wait 8 s (under the provider timeout of 20 s): the calls the killed silo had in flight
            // are then unanswered when it dies, so every answer the provider gives is stored, and counted here once.
            Cluster.Provider.Behavior = request =>
            {
                received.AddOrUpdate(IndexOf(request), 1, (_, n) => n + 1);
                return FakeReply.Text($"answer {IndexOf(request)}") with { Delay = Volatile.Read(ref hold) ? TimeSpan.FromSeconds(8) : TimeSpan.FromMilliseconds(50) };
            };
            var (clients0, clients1) = (Clients(Cluster.Frontends[0]), Clients(Cluster.Frontends[1]));
            var batchId = await CreateBatchAsync(clients0, "kill", lines, "kill.jsonl");
            var victim = await JobSiloAsync(batchId);
            var rehydrated = await CreateBatchOperation.RehydrateAsync(clients1.Batches, batchId);

            await BatchPolling.UntilAsync(() => Task.FromResult(answered.Count), n => n >= 20, n => $"The provider answered only {n} lines.\n{Cluster.Tails()}", TimeSpan.FromSeconds(90));
            Volatile.Write(ref hold, true);
            // Quiet: no answer for 1.5 s, so each answer given is stored; the calls now in flight are held.
            var last = answered.Values.Sum();
            var quietSince = DateTime.UtcNow;
            while (DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(1.5))
            {
                await Task.Delay(100);
                var now = answered.Values.Sum();
                if (now != last)
                {
                    (last, quietSince) = (now, DateTime.UtcNow);
                }
            }

            var doneAtKill = answered.Count;
            Assert.True(doneAtKill < lines / 2, $"The batch was nearly done ({doneAtKill} of {lines}) at the kill; it must be hit mid-run.");
            output.WriteLine($"kill -9 {victim.Name} (holds the batch's job) with {doneAtKill} of {lines} lines answered and {Cluster.Provider.InFlight} calls held");
            victim.Process!.KillHard();
            Volatile.Write(ref hold, false);

            var batch = await AssertCompletesAsync(rehydrated, lines, "the kill");

            BinaryData content = await clients1.Files.DownloadFileAsync(batch.GetProperty("output_file_id").GetString()!);
            var outputLines = content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
            Assert.Equal(Enumerable.Range(0, lines).Select(i => $"kill-{i}"), outputLines.Select(l => l.GetProperty("custom_id").GetString()));
            Assert.All(outputLines, line => Assert.Equal(
                "answer " + line.GetProperty("custom_id").GetString()!["kill-".Length..],
                line.GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
            var repeated = answered.Where(c => c.Value != 1).Select(c => $"line {c.Key} x{c.Value}").ToList();
            Assert.True(answered.Count == lines && repeated.Count == 0, $"The provider answered {answered.Count} distinct lines of {lines}; more than once: {string.Join(", ", repeated)}");
            output.WriteLine($"the provider received {received.Values.Sum()} calls for {lines} lines ({received.Count(c => c.Value > 1)} lines called again after the kill, unanswered the first time) and answered each line once");

            // Then kill -9 of every silo, all restarted: the batch and its output file read back the same, from the other frontend.
            await Cluster.KillAndRestartEverySiloAsync();

            var reread = await BatchPolling.UntilAsync(
                async () => { try { return await ReadAsync(await CreateBatchOperation.RehydrateAsync(clients0.Batches, batchId)); } catch (ClientResultException) { return default; } },
                b => b.ValueKind == JsonValueKind.Object,
                last => $"The batch was not readable after every silo was killed and restarted.\n{Cluster.Tails()}",
                TimeSpan.FromSeconds(60));
            Assert.Equal(("completed", lines), (reread.GetProperty("status").GetString(), Completed(reread)));
            BinaryData again = await clients0.Files.DownloadFileAsync(reread.GetProperty("output_file_id").GetString()!);
            Assert.Equal(content.ToString(), again.ToString());
        }
        finally
        {
            Cluster.Provider.RequestAnswered -= OnAnswered;
            await Cluster.EnsureHealthyAsync();
        }
    }

    /// <summary>The silo whose <c>BatchJobGrain</c> logged the job's submission.</summary>
    private async Task<SiloSlot> JobSiloAsync(string jobId)
    {
        var line = $"Batch {jobId}: submitted";
        var holders = await BatchPolling.UntilAsync(
            () => Task.FromResult(Cluster.Silos.Where(s => s.Process!.Output.Contains(line, StringComparison.Ordinal)).ToList()),
            h => h.Count == 1,
            h => $"Expected one silo to log '{line}', found {h?.Count ?? 0}.\n{Cluster.Tails()}",
            TimeSpan.FromSeconds(10));
        return holders[0];
    }

    private static OpenAiBatchClients Clients(HostProcess frontend) => new(new Uri(frontend.BaseUrl), ClusterFixture.SecretToken);

    /// <summary>Uploads <paramref name="lines"/> chat lines (<c>{prefix}-{i}</c>: "line {i} please") as <paramref name="fileName"/> and creates a batch of them; its id.</summary>
    private static async Task<string> CreateBatchAsync(OpenAiBatchClients clients, string prefix, int lines, string fileName)
    {
        var fileId = await clients.UploadAsync(Enumerable.Range(0, lines).Select(i => OpenAiBatchesFixture.ChatLine($"{prefix}-{i}", $"line {i} please")), fileName);
        var (operation, _) = await clients.CreateAsync(fileId);
        return operation.BatchId;
    }

    /// <summary>Polls the batch until it ends (a read failing meanwhile is retried), then asserts it completed with every one of <paramref name="lines"/> lines and no error file.</summary>
    private async Task<JsonElement> AssertCompletesAsync(CreateBatchOperation operation, int lines, string after)
    {
        var batch = await BatchPolling.UntilAsync(
            async () => { try { return await ReadAsync(operation); } catch (ClientResultException) { return default; } },
            b => b.ValueKind == JsonValueKind.Object && b.GetProperty("status").GetString() is "completed" or "failed" or "expired" or "cancelled",
            last => $"The batch did not finish after {after}: {last}\n{Cluster.Tails()}",
            TimeSpan.FromSeconds(180));
        Assert.True(batch.GetProperty("status").GetString() == "completed", $"Batch after {after}: {batch}\n{Cluster.Tails()}");
        Assert.Equal(lines, Completed(batch));
        Assert.Equal(JsonValueKind.Null, batch.GetProperty("error_file_id").ValueKind);
        return batch;
    }

    private static Task<JsonElement> ReadAsync(CreateBatchOperation operation) => OpenAiBatchesFixture.ReadAsync(operation);

    private static int Completed(JsonElement batch) => batch.ValueKind == JsonValueKind.Object ? batch.GetProperty("request_counts").GetProperty("completed").GetInt32() : -1;

    private static string Answer(int index)
    {
        var text = new StringBuilder(AnswerBytes + 16).Append("answer ").Append(index.ToString(CultureInfo.InvariantCulture)).Append(':');
        while (text.Length < AnswerBytes)
        {
            text.Append(" word").Append(index.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString(0, AnswerBytes);
    }
}
