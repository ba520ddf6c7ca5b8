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
        var body = BatchGenerate.Body(tasks: 20, promptBytes: 10_000);
        Assert.True(body.Length > 64 * 1024, "the body must exceed the gateway-wide limit");

        var jobId = await BatchGenerate.SubmitAsync(Kestrel, body, taskCount: 20);
        var job = await BatchGenerate.WaitForEndAsync(Kestrel, jobId, TimeSpan.FromSeconds(30));

        Assert.True(job.GetProperty("status").GetString() == "completed", $"the job should complete: {job}");
        Assert.Equal(20, job.GetProperty("completed_count").GetInt32());
    }

    [Fact]
    public async Task Generate_BodyAboveBatchLimit_Returns413()
    {
        var body = BatchGenerate.Body(tasks: 150, promptBytes: 10_000);
        Assert.True(body.Length > 1024 * 1024, "the body must exceed the batch limit");

        var response = await Kestrel.PostAsync("/v1/batch/generate", new StringContent(body, Encoding.UTF8, "application/json"));

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "larger than the limit of 1048576 bytes");
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
        Assert.Equal(0, Provider.TotalCount);
    }
}
