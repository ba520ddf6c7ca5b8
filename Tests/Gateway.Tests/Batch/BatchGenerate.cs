namespace OrleansGateway.Tests.Batch;

/// <summary><c>POST /v1/batch/generate</c> over a real client, as the body limit tests drive it: a body, the submission and the wait for its job.</summary>
public static class BatchGenerate
{
    /// <summary>A job of <paramref name="tasks"/> prompts of a little over <paramref name="promptBytes"/> bytes each.</summary>
    public static string Body(int tasks, int promptBytes) => JsonSerializer.Serialize(new
    {
        model = "fake/fake-model",
        tasks = Enumerable.Range(0, tasks).Select(i => new { prompt = $"{i} " + new string('x', promptBytes) }).ToArray(),
    });

    /// <summary>Submits <paramref name="body"/>, asserts a 200 that counts <paramref name="taskCount"/> tasks, and returns the job id.</summary>
    public static async Task<string> SubmitAsync(HttpClient client, string body, int taskCount)
    {
        using var response = await client.PostAsync("/v1/batch/generate", new StringContent(body, Encoding.UTF8, "application/json"));
        var json = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {json}");
        Assert.Equal(taskCount, json.GetProperty("task_count").GetInt32());
        return json.GetProperty("job_id").GetString()!;
    }

    /// <summary>Polls the job's counters until it has ended (completed or failed), or fails after <paramref name="timeout"/> with the last read.</summary>
    public static Task<JsonElement> WaitForEndAsync(HttpClient client, string jobId, TimeSpan timeout) =>
        BatchPolling.UntilAsync(
            async () => await GatewayApplication.ReadJsonAsync(await client.GetAsync($"/v1/batch/{jobId}?include_results=false")),
            job => job.GetProperty("status").GetString() is "completed" or "failed",
            last => $"The job did not end; last: {last}",
            timeout);
}
