#pragma warning disable OPENAI001 // The Batch API client is marked experimental by the OpenAI package.
using System.ClientModel.Primitives;
using OpenAI.Batch;
using OpenAI.Files;
using OrleansGateway.Tests.Batch;

namespace OrleansGateway.Tests.Batches;

/// <summary>
/// The embedded gateway on loopback Kestrel with the official OpenAI .NET <see cref="OpenAIFileClient"/> and
/// <see cref="BatchClient"/> pointed at it (<see cref="OpenAiBatchClients"/>), as a user's program would be; two
/// providers (<c>fake</c>, <c>fake2</c>) on one fake provider server. Helpers upload a JSON Lines file, create a batch and read it back as JSON.
/// </summary>
public sealed class OpenAiBatchesFixture : IAsyncDisposable
{
    private OpenAiBatchesFixture(FakeProviderServer provider, GatewayApplication app, Uri address)
    {
        Provider = provider;
        App = app;
        Address = address;
        Clients = new OpenAiBatchClients(address, "gateway-secret");
        Http = new HttpClient { BaseAddress = address };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "gateway-secret");
    }

    public FakeProviderServer Provider { get; }

    public GatewayApplication App { get; }

    public Uri Address { get; }

    /// <summary>The official OpenAI clients pointed at this gateway, with the gateway's key.</summary>
    public OpenAiBatchClients Clients { get; }

    public OpenAIFileClient Files => Clients.Files;

    public BatchClient Batches => Clients.Batches;

    /// <summary>Raw HTTP with the gateway's key, for what the official client does not expose.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts a fake provider and the gateway with <paramref name="settings"/> added to the defaults (and <paramref name="configureServices"/> applied to its services).</summary>
    public static async Task<OpenAiBatchesFixture> StartAsync(
        IDictionary<string, string?>? settings = null, Func<FakeRequest, FakeReply>? behavior = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null)
    {
        var provider = await FakeProviderServer.StartAsync();
        if (behavior is not null)
        {
            provider.Behavior = behavior;
        }

        var all = new Dictionary<string, string?>
        {
            ["SECRET_TOKEN"] = "gateway-secret",
            ["Gateway:Providers:fake2:BaseUrl"] = provider.BaseUrl,
            ["Gateway:Providers:fake2:ApiKey"] = "fake-key",
            ["Gateway:Providers:fake2:MaxConcurrency"] = "4",
            ["Gateway:Providers:fake2:RetryBaseDelayMilliseconds"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new GatewayApplication(provider, all) { ConfigureServices = configureServices };
        return new OpenAiBatchesFixture(provider, app, app.StartKestrel());
    }

    /// <summary>A batch input line for <c>/v1/chat/completions</c>.</summary>
    public static string ChatLine(string customId, string prompt, string model = "fake/fake-model", object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["model"] = model, ["messages"] = new[] { new { role = "user", content = prompt } } };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }

        return JsonSerializer.Serialize(new { custom_id = customId, method = "POST", url = "/v1/chat/completions", body });
    }

    /// <summary>Uploads <paramref name="lines"/> (one request a line) with purpose <c>batch</c>; its file id.</summary>
    public Task<string> UploadAsync(IEnumerable<string> lines) => Clients.UploadAsync(lines);

    /// <summary>Creates a batch through <see cref="BatchClient"/>; the operation and the batch object it answered.</summary>
    public Task<(CreateBatchOperation Operation, JsonElement Batch)> CreateAsync(string fileId, string endpoint = "/v1/chat/completions", object? metadata = null) =>
        Clients.CreateAsync(fileId, endpoint, metadata);

    /// <summary>The batch object, read back through the operation.</summary>
    public static async Task<JsonElement> ReadAsync(CreateBatchOperation operation) =>
        Parse((await operation.GetBatchAsync(new RequestOptions())).GetRawResponse().Content);

    /// <summary>Polls the batch until <paramref name="condition"/> holds (30 s at most).</summary>
    public static Task<JsonElement> WaitAsync(CreateBatchOperation operation, Func<JsonElement, bool> condition, string what) =>
        BatchPolling.UntilAsync(() => ReadAsync(operation), condition, last => $"The batch did not reach {what}; last: {last}", TimeSpan.FromSeconds(30));

    /// <summary>Polls the batch until its status is <paramref name="status"/>.</summary>
    public static Task<JsonElement> WaitForStatusAsync(CreateBatchOperation operation, string status) =>
        WaitAsync(operation, batch => batch.GetProperty("status").GetString() == status, "status " + status);

    /// <summary>
    /// Creates a batch of <paramref name="fileId"/>'s <paramref name="lines"/> requests, polls it until it ends (failing
    /// after <paramref name="timeout"/>) and checks that every line completed; the ended batch.
    /// </summary>
    public async Task<JsonElement> CreateAndCompleteAsync(string fileId, int lines, TimeSpan timeout)
    {
        var (operation, created) = await CreateAsync(fileId);

        Assert.Equal(lines, created.GetProperty("request_counts").GetProperty("total").GetInt32());
        var batch = await BatchPolling.UntilAsync(() => ReadAsync(operation), b => b.GetProperty("status").GetString() is "completed" or "failed",
            last => $"The batch did not end; last: {last}", timeout);
        Assert.True(batch.GetProperty("status").GetString() == "completed", $"{batch}");
        Assert.Equal(lines, batch.GetProperty("request_counts").GetProperty("completed").GetInt32());
        return batch;
    }

    /// <summary>A batch file downloaded through <see cref="OpenAIFileClient"/>, one JSON document per line.</summary>
    public Task<List<JsonElement>> DownloadLinesAsync(string fileId) => Clients.DownloadLinesAsync(fileId);

    public static JsonElement Parse(BinaryData data) => JsonDocument.Parse(data.ToMemory()).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
