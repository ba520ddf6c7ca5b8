using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using OrleansGateway.FakeProvider;
using OrleansGateway.Tests.Infrastructure;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// A valid batch body whose job is larger than one Orleans message (here <c>MaxMessageBodySize</c> 1 MiB,
/// 100 MiB by default) would fail its submit call every time: it is a 413 naming the limit, before
/// anything is recorded, not a 500 "could not be recorded ... Try again".
/// </summary>
public sealed class BatchSubmitSizeLimitTests : IAsyncLifetime
{
    private const int MessageLimit = 1024 * 1024;
    private FakeProviderServer _provider = null!;
    private GatewayApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeProviderServer.StartAsync();
        _app = new GatewayApplication(_provider, new Dictionary<string, string?>
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
        _http = new HttpClient { BaseAddress = _app.StartKestrel() };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Generate_JobLargerThanOneClusterMessage_Returns413NamingTheLimitAndRecordsNothing()
    {
        var body = Body(tasks: 30, promptBytes: 50_000);
        Assert.True(body.Length is > MessageLimit and < 8 * 1024 * 1024, "the body must be within the batch body limit and over the message limit");

        using var response = await _http.PostAsync("/v1/batch/generate", new StringContent(body, Encoding.UTF8, "application/json"));

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "MaxMessageBodySize");
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
        Assert.Contains($"limit of {MessageLimit - 64 * 1024} bytes", error.GetProperty("message").GetString());

        using var list = await _http.GetAsync("/v1/batch");
        var jobs = await GatewayApplication.ReadJsonAsync(list);
        Assert.True(list.StatusCode == HttpStatusCode.OK, jobs.ToString());
        Assert.Equal(0, jobs.GetProperty("data").GetArrayLength());
        Assert.Equal(0, _provider.TotalCount);
    }

    [Fact]
    public async Task Generate_JobWithinOneClusterMessage_Accepted()
    {
        var body = Body(tasks: 10, promptBytes: 50_000);

        using var response = await _http.PostAsync("/v1/batch/generate", new StringContent(body, Encoding.UTF8, "application/json"));

        var json = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {json}");
        Assert.Equal(10, json.GetProperty("task_count").GetInt32());
    }

    private static string Body(int tasks, int promptBytes) => JsonSerializer.Serialize(new
    {
        model = "fake/fake-model",
        tasks = Enumerable.Range(0, tasks).Select(i => new { prompt = $"{i} " + new string('x', promptBytes) }).ToArray(),
    });
}
