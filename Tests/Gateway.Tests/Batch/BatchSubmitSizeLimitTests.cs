using Orleans.Configuration;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// A valid batch body whose job is larger than one Orleans message (here <c>MaxMessageBodySize</c> 1 MiB,
/// 100 MiB by default) is stored in pieces that each fit one message, and runs; only a single task larger
/// than one message is refused: a 413 naming the limit, before anything is recorded, never a 500.
/// </summary>
public sealed class BatchSubmitSizeLimitTests : GatewayAppTest
{
    private const int MessageLimit = 1024 * 1024;

    protected override GatewayApplication CreateApp() => new(Provider, new Dictionary<string, string?>
    {
        ["Gateway:Batch:MaxRequestBodyBytes"] = (8 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
    })
    {
        ConfigureServices = services =>
        {
            services.Configure<SiloMessagingOptions>(options => options.MaxMessageBodySize = MessageLimit);
            services.Configure<ClientMessagingOptions>(options => options.MaxMessageBodySize = MessageLimit);
        },
    };

    [Fact]
    public async Task Generate_JobLargerThanOneClusterMessage_StoredInPiecesAndCompletes()
    {
        var body = BatchGenerate.Body(tasks: 60, promptBytes: 50_000);
        Assert.True(body.Length is > 2 * MessageLimit and < 8 * 1024 * 1024, "the body must be within the batch body limit and over the message limit");

        var jobId = await BatchGenerate.SubmitAsync(Kestrel, body, taskCount: 60);
        var job = await BatchGenerate.WaitForEndAsync(Kestrel, jobId, TimeSpan.FromSeconds(60));
        Assert.True(job.GetProperty("status").GetString() == "completed", $"{job}");
        Assert.Equal(60, job.GetProperty("completed_count").GetInt32());
        Assert.Equal(60, Provider.TotalCount);
    }

    [Fact]
    public async Task Generate_TaskLargerThanOneClusterMessage_Returns413NamingTheLimitAndRecordsNothing()
    {
        var body = JsonSerializer.Serialize(new
        {
            model = "fake/fake-model",
            tasks = new[] { new { prompt = "small" }, new { prompt = new string('x', MessageLimit + 1024) } },
        });

        using var response = await Kestrel.PostAsync("/v1/batch/generate", new StringContent(body, Encoding.UTF8, "application/json"));

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "MaxMessageBodySize");
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
        Assert.Contains($"limit of {MessageLimit - 64 * 1024} bytes", error.GetProperty("message").GetString());
        Assert.Equal("tasks[1]", error.GetProperty("param").GetString());

        using var list = await Kestrel.GetAsync("/v1/batch");
        var jobs = await GatewayApplication.ReadJsonAsync(list);
        Assert.True(list.StatusCode == HttpStatusCode.OK, jobs.ToString());
        Assert.Equal(0, jobs.GetProperty("data").GetArrayLength());
        Assert.Equal(0, Provider.TotalCount);
    }

    [Fact]
    public async Task Generate_JobWithinOneClusterMessage_Accepted()
    {
        var body = BatchGenerate.Body(tasks: 10, promptBytes: 50_000);

        await BatchGenerate.SubmitAsync(Kestrel, body, taskCount: 10);
    }
}
