using System.Globalization;
using Azure.Storage.Blobs;
using Xunit.Abstractions;

namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// Issue 16, item 1 in cluster mode: a batch of long prompts and long answers on real silo processes
/// against Redis and Azurite (tables for grain state, blobs for what is too large for a table entity),
/// with every silo restarted mid-job. The job completes, every task has its full answer, and the
/// provider answers each task exactly once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterBatchLongAnswersTests(ClusterFixture cluster, ITestOutputHelper output) : ClusterTest(cluster)
{
    private const int TaskCount = 150;
    private const int PromptBytes = 30 * 1024;
    private const int AnswerBytes = 40 * 1024;

    private readonly ClusterBatchApi _batches = new(cluster, output);

    [Fact]
    public async Task RestartEverySiloMidJob_40KbAnswers30KbPrompts_JobCompletesWithFullAnswersOneProviderCallPerTask()
    {
        var calls = new ConcurrentDictionary<int, int>();
        Cluster.Provider.Behavior = request =>
        {
            var index = TaskIndexOf(request.LastUserMessage);
            calls.AddOrUpdate(index, 1, (_, n) => n + 1);
            return FakeReply.Text(Answer(index)) with { Delay = TimeSpan.FromMilliseconds(150) };
        };
        var callsBefore = Cluster.Provider.TotalCount;

        var jobId = await SubmitAsync(Cluster.Frontends[0]);

        // Mid-job: several tasks done (some groups' results already in blobs), most still to do.
        var job = await WaitForJobAsync(Cluster.Frontends[1], jobId, TimeSpan.FromSeconds(120), j => CompletedCount(j) >= 20, "20 tasks completed");
        Assert.True(CompletedCount(job) < TaskCount / 2, $"The job was nearly done ({CompletedCount(job)} of {TaskCount}) before the restart; it must be hit mid-run.");
        output.WriteLine($"stopping every silo with {CompletedCount(job)} of {TaskCount} tasks completed, {Cluster.Provider.TotalCount - callsBefore} provider calls so far");

        foreach (var silo in Cluster.Silos)
        {
            await silo.Process!.StopAsync(TimeSpan.FromSeconds(30));
        }

        var callsWhileDown = Cluster.Provider.TotalCount - callsBefore;
        foreach (var silo in Cluster.Silos)
        {
            silo.StartProcess(Cluster.StartSilo(silo));
        }

        foreach (var frontend in Cluster.Frontends)
        {
            await Cluster.WaitForMembersAsync(frontend, Cluster.Silos, ClusterFixture.StartTimeout);
        }

        output.WriteLine($"every silo restarted; {callsWhileDown} provider calls before the restart");

        // Only the job's resume reminder (or the reads below) can bring it back.
        job = await WaitForJobAsync(Cluster.Frontends[1], jobId, TimeSpan.FromSeconds(180), j => Status(j) is not ("queued" or "processing"), "finished");
        output.WriteLine($"finished: {job}");
        Assert.True(Status(job) == "completed", $"Job status after the restart: {job}\n{Cluster.Tails()}");
        Assert.True(CompletedCount(job) == TaskCount && job.GetProperty("failed_count").GetInt32() == 0, $"Counts after the restart: {job}");
        Assert.True(job.GetProperty("error").ValueKind == JsonValueKind.Null, $"A completed job has no error: {job}");

        // Every task's full 40 KB answer, read back from wherever it was stored, through both frontends.
        foreach (var frontend in Cluster.Frontends)
        {
            var lines = (await _batches.ResultsTextAsync(frontend, jobId)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == TaskCount, $"{frontend.Name}: {lines.Length} result lines for {TaskCount} tasks.");
            for (var i = 0; i < lines.Length; i++)
            {
                using var document = JsonDocument.Parse(lines[i]);
                var result = document.RootElement;
                var (id, status, text) = (result.GetProperty("id").GetString(), result.GetProperty("status").GetString(), result.GetProperty("output").GetString());
                Assert.True(id == TaskId(i) && status == "completed" && text == Answer(i),
                    $"{frontend.Name}: result line {i} is not task {TaskId(i)}'s completed full answer: id {id}, status {status}, output of {text?.Length ?? 0} chars (expected {Answer(i).Length}).");
            }
        }

        // The silos kept them in Azurite's blob service (one blob per result, one per group's inputs), not in table entities.
        var names = new List<string>();
        await foreach (var blob in new BlobContainerClient(Cluster.Tables, "gateway").GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"batch/{jobId}/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        var groups = (TaskCount + 63) / 64;
        Assert.True(names.Count(n => n.Contains("/results/", StringComparison.Ordinal)) == TaskCount && names.Count(n => n.EndsWith("/tasks", StringComparison.Ordinal)) == groups,
            $"Expected {TaskCount} result blobs and {groups} input blobs under batch/{jobId}/ in Azurite; found {names.Count}: {string.Join(", ", names.Take(10))}");

        // Exactly one provider call per task, whatever the restart interrupted.
        var repeated = calls.Where(c => c.Value != 1).OrderBy(c => c.Key).ToList();
        Assert.True(repeated.Count == 0 && calls.Count == TaskCount,
            $"The provider answered {calls.Count} distinct tasks of {TaskCount}; tasks sent more than once: {string.Join(", ", repeated.Take(20).Select(c => $"{TaskId(c.Key)} x{c.Value}"))}.");
        Assert.True(Cluster.Provider.TotalCount - callsBefore == TaskCount,
            $"The provider got {Cluster.Provider.TotalCount - callsBefore} calls for {TaskCount} tasks.");
    }

    private async Task<string> SubmitAsync(HostProcess frontend) =>
        (await _batches.SubmitAsync(frontend, Enumerable.Range(0, TaskCount).Select(i => new { id = TaskId(i), prompt = Prompt(i) })))
            .GetProperty("job_id").GetString()!;

    private Task<JsonElement> WaitForJobAsync(HostProcess frontend, string jobId, TimeSpan timeout, Func<JsonElement, bool> condition, string what) =>
        _batches.WaitForAsync(frontend, jobId, timeout, condition, what, TimeSpan.FromMilliseconds(200));

    private static string TaskId(int index) => "long" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>A 30 KB prompt that starts with its task's number.</summary>
    private static string Prompt(int index) => Padded($"task {index.ToString(CultureInfo.InvariantCulture)} asks:", "please", PromptBytes);

    /// <summary>A 40 KB answer of its own task (the fake provider gives it for <see cref="Prompt"/>).</summary>
    private static string Answer(int index) => Padded($"answer {index.ToString(CultureInfo.InvariantCulture)}:", "word" + index.ToString(CultureInfo.InvariantCulture), AnswerBytes);

    private static string Padded(string head, string word, int bytes)
    {
        var text = new StringBuilder(bytes + 16).Append(head);
        while (text.Length < bytes)
        {
            text.Append(' ').Append(word);
        }

        return text.ToString(0, bytes);
    }

    private static int TaskIndexOf(string prompt)
    {
        var parts = prompt.Split(' ', 3);
        return parts.Length >= 2 && parts[0] == "task" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;
    }

    private static string Status(JsonElement job) => job.GetProperty("status").GetString()!;

    private static int CompletedCount(JsonElement job) => job.GetProperty("completed_count").GetInt32();
}
