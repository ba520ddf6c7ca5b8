namespace OrleansGateway.Tests.Batch;

/// <summary>
/// On real Kestrel: the batch endpoint takes bodies up to <c>Gateway:Batch:MaxRequestBodyBytes</c>
/// (here 1 MiB) although the gateway-wide limit is smaller (here 64 KiB).
/// </summary>
public sealed class BatchRequestLimitTests() : GatewayAppTest(new Dictionary<string, string?>
{
    ["Gateway:MaxRequestBodyBytes"] = (64 * 1024).ToString(),
    ["Gateway:Batch:MaxRequestBodyBytes"] = (1024 * 1024).ToString(),
})
{

    [Fact]
    public async Task Generate_BodyAboveGatewayLimitWithinBatchLimit_Accepted()
    {
        var body = Body(tasks: 20, promptBytes: 10_000);
        Assert.True(body.Length > 64 * 1024, "the body must exceed the gateway-wide limit");

        var response = await Kestrel.PostAsync("/v1/batch/generate", new StringContent(body, Encoding.UTF8, "application/json"));

        var json = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {json}");
        Assert.Equal(20, json.GetProperty("task_count").GetInt32());
        var jobId = json.GetProperty("job_id").GetString();
        var job = await BatchPolling.UntilAsync(
            async () => await GatewayApplication.ReadJsonAsync(await Kestrel.GetAsync($"/v1/batch/{jobId}?include_results=false")),
            job => job.GetProperty("status").GetString() == "completed",
            last => $"the job should complete: {last}",
            TimeSpan.FromSeconds(30));

        Assert.Equal(20, job.GetProperty("completed_count").GetInt32());
    }

    [Fact]
    public async Task Generate_BodyAboveBatchLimit_Returns413()
    {
        var body = Body(tasks: 150, promptBytes: 10_000);
        Assert.True(body.Length > 1024 * 1024, "the body must exceed the batch limit");

        var response = await Kestrel.PostAsync("/v1/batch/generate", new StringContent(body, Encoding.UTF8, "application/json"));

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "larger than the limit of 1048576 bytes");
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
        Assert.Equal(0, Provider.TotalCount);
    }

    private static string Body(int tasks, int promptBytes) => JsonSerializer.Serialize(new
    {
        model = "fake/fake-model",
        tasks = Enumerable.Range(0, tasks).Select(i => new { prompt = $"{i} " + new string('x', promptBytes) }).ToArray(),
    });
}
