namespace OrleansGateway.Tests.Batch;

/// <summary>A provider that fails its first two requests, opening its circuit (threshold 2, cooldown 1 s), then recovers.</summary>
public sealed class BatchProviderOutageTests() : GatewayAppTest(new Dictionary<string, string?>
{
    ["Gateway:Providers:fake:MaxConcurrency"] = "1",
    ["Gateway:Providers:fake:MaxRetries"] = "0",
    ["Gateway:Providers:fake:CircuitFailureThreshold"] = "2",
    ["Gateway:Providers:fake:CircuitCooldownSeconds"] = "1",
})
{
    private int _requests;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Provider.Behavior = request => Interlocked.Increment(ref _requests) <= 2
            ? FakeReply.Error(500, "provider down")
            : FakeReply.Text("echo: " + request.LastUserMessage);
    }

    [Fact]
    public async Task Run_ProviderCircuitOpens_LaterTasksWaitForItInsteadOfFailing()
    {
        var response = await App.PostAsync("/v1/batch/generate", new { model = "fake/fake-model", tasks = Enumerable.Range(0, 6).Select(i => new { prompt = $"outage {i}" }).ToArray() });
        var submitted = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {submitted}");
        var jobId = submitted.GetProperty("job_id").GetString()!;

        var job = await BatchPolling.UntilAsync(
            async () => await GatewayApplication.ReadJsonAsync(await App.CreateClient().GetAsync($"/v1/batch/{jobId}")),
            job => job.GetProperty("status").GetString() == "completed",
            last => $"The job did not complete in time: {last}",
            TimeSpan.FromSeconds(30));

        // The two tasks the provider failed are failed; the four that met the open circuit waited and ran.
        Assert.Equal(2, job.GetProperty("failed_count").GetInt32());
        Assert.Equal(4, job.GetProperty("completed_count").GetInt32());
        var results = job.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["failed", "failed", "completed", "completed", "completed", "completed"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("echo: outage 5", results[5].GetProperty("output").GetString());
    }
}
