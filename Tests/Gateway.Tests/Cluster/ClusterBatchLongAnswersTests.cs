using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using OrleansGateway.FakeProvider;
using Xunit.Abstractions;

namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// Issue 16, item 1 in cluster mode: a batch of long prompts and long answers on real silo processes
/// against Redis and Azurite (tables for grain state, blobs for what is too large for a table entity),
/// with every silo restarted mid-job. The job completes, every task has its full answer, and the
/// provider answers each task exactly once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterBatchLongAnswersTests(ClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private const int TaskCount = 150;
    private const int PromptBytes = 30 * 1024;
    private const int AnswerBytes = 40 * 1024;

    public Task InitializeAsync() => cluster.EnsureHealthyAsync();

    public Task DisposeAsync()
    {
        cluster.Provider.Behavior = FakeProviderServer.DefaultBehavior;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RestartEverySiloMidJob_40KbAnswers30KbPrompts_JobCompletesWithFullAnswersOneProviderCallPerTask()
    {
        var calls = new ConcurrentDictionary<int, int>();
        cluster.Provider.Behavior = request =>
        {
            var index = TaskIndexOf(request.LastUserMessage);
            calls.AddOrUpdate(index, 1, (_, n) => n + 1);
            return FakeReply.Text(Answer(index)) with { Delay = TimeSpan.FromMilliseconds(150) };
        };
        var callsBefore = cluster.Provider.TotalCount;

        var jobId = await SubmitAsync(cluster.Frontends[0]);

        // Mid-job: several tasks done (some groups' results already in blobs), most still to do.
        var job = await WaitForJobAsync(cluster.Frontends[1], jobId, TimeSpan.FromSeconds(120), j => CompletedCount(j) >= 20, "20 tasks completed");
        Assert.True(CompletedCount(job) < TaskCount / 2, $"The job was nearly done ({CompletedCount(job)} of {TaskCount}) before the restart; it must be hit mid-run.");
        output.WriteLine($"stopping every silo with {CompletedCount(job)} of {TaskCount} tasks completed, {cluster.Provider.TotalCount - callsBefore} provider calls so far");

        foreach (var silo in cluster.Silos)
        {
            await silo.Process!.StopAsync(TimeSpan.FromSeconds(30));
        }

        var callsWhileDown = cluster.Provider.TotalCount - callsBefore;
        foreach (var silo in cluster.Silos)
        {
            silo.StartProcess(cluster.StartSilo(silo));
        }

        foreach (var frontend in cluster.Frontends)
        {
            await cluster.WaitForMembersAsync(frontend, cluster.Silos, ClusterFixture.StartTimeout);
        }

        output.WriteLine($"every silo restarted; {callsWhileDown} provider calls before the restart");

        // Only the job's resume reminder (or the reads below) can bring it back.
        job = await WaitForJobAsync(cluster.Frontends[1], jobId, TimeSpan.FromSeconds(180), j => Status(j) is not ("queued" or "processing"), "finished");
        output.WriteLine($"finished: {job}");
        Assert.True(Status(job) == "completed", $"Job status after the restart: {job}\n{cluster.Tails()}");
        Assert.True(CompletedCount(job) == TaskCount && job.GetProperty("failed_count").GetInt32() == 0, $"Counts after the restart: {job}");
        Assert.True(job.GetProperty("error").ValueKind == JsonValueKind.Null, $"A completed job has no error: {job}");

        // Every task's full 40 KB answer, read back from wherever it was stored, through both frontends.
        foreach (var frontend in cluster.Frontends)
        {
            var lines = (await ResultsTextAsync(frontend, jobId)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
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
        await foreach (var blob in new BlobContainerClient(cluster.Tables, "gateway").GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"batch/{jobId}/", CancellationToken.None))
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
        Assert.True(cluster.Provider.TotalCount - callsBefore == TaskCount,
            $"The provider got {cluster.Provider.TotalCount - callsBefore} calls for {TaskCount} tasks.");
    }

    private async Task<string> SubmitAsync(HostProcess frontend)
    {
        var body = JsonSerializer.Serialize(new
        {
            model = "fake/fake-model",
            tasks = Enumerable.Range(0, TaskCount).Select(i => new { id = TaskId(i), prompt = Prompt(i) }),
        });
        using var request = Authorized(HttpMethod.Post, frontend.BaseUrl + "/v1/batch/generate");
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await cluster.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{frontend.Name}: POST /v1/batch/generate ({body.Length} bytes) answered {(int)response.StatusCode}: {text}\n{cluster.Tails()}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("job_id").GetString()!;
    }

    private async Task<JsonElement> WaitForJobAsync(HostProcess frontend, string jobId, TimeSpan timeout, Func<JsonElement, bool> condition, string what)
    {
        JsonElement? last = null;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var request = Authorized(HttpMethod.Get, $"{frontend.BaseUrl}/v1/batch/{jobId}?include_results=false");
                using var response = await cluster.Http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    last = document.RootElement.Clone();
                }
            }
            catch (HttpRequestException exception)
            {
                output.WriteLine($"{frontend.Name}: GET /v1/batch/{jobId} failed: {exception.Message}");
            }

            if (last is { } job && condition(job))
            {
                return job;
            }

            await Task.Delay(200);
        }

        throw new Xunit.Sdk.XunitException($"Job {jobId} was not {what} within {timeout.TotalSeconds} s; last: {last}\n{cluster.Tails()}");
    }

    private async Task<string> ResultsTextAsync(HostProcess frontend, string jobId)
    {
        using var request = Authorized(HttpMethod.Get, $"{frontend.BaseUrl}/v1/batch/{jobId}/results");
        using var response = await cluster.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{frontend.Name}: GET /v1/batch/{jobId}/results answered {(int)response.StatusCode}: {text[..Math.Min(500, text.Length)]}");
        return text;
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixture.SecretToken);
        return request;
    }

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
