using System.ClientModel;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;

namespace OrleansGateway.Tests.Telemetry;

/// <summary><c>x-request-id</c> on every response of both surfaces, and in the request's log lines.</summary>
public sealed class RequestIdTests : IAsyncLifetime
{
    private readonly ScopeCapturingLoggerProvider _logs = new();
    private FakeProviderServer _provider = null!;
    private GatewayApplication _app = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeProviderServer.StartAsync();
        _app = new GatewayApplication(_provider, new Dictionary<string, string?> { ["SECRET_TOKEN"] = "gateway-secret" })
        {
            ConfigureServices = services => services.AddLogging(logging => logging
                .AddProvider(_logs)
                .AddFilter<ScopeCapturingLoggerProvider>(null, LogLevel.Trace)),
        };
        _address = _app.StartKestrel();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }

    private HttpClient Client(bool authorized = true)
    {
        var client = new HttpClient { BaseAddress = _address };
        if (authorized)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", "gateway-secret");
        }

        return client;
    }

    private static HttpRequestMessage Post(string path, string json, string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (requestId is not null)
        {
            request.Headers.TryAddWithoutValidation("x-request-id", requestId);
        }

        return request;
    }

    private static string RequestId(HttpResponseMessage response) => Assert.Single(response.Headers.GetValues("x-request-id"));

    [Fact]
    public async Task ChatCompletions_ClientSentSaneId_EchoesItAndLogsItInScope()
    {
        using var client = Client();
        using var response = await client.SendAsync(Post("/v1/chat/completions", """{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}]}""", "client-id-42"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("client-id-42", RequestId(response));
        Assert.Contains(_logs.Lines, line => line.Contains("RequestId:client-id-42", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\there")]
    public async Task ChatCompletions_ClientSentUnprintableId_GetsNewId(string sent)
    {
        using var client = Client();
        using var response = await client.SendAsync(Post("/v1/chat/completions", """{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}]}""", sent));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = RequestId(response);
        Assert.NotEqual(sent, id);
        Assert.StartsWith("req_", id);
    }

    [Fact]
    public async Task ChatCompletions_ClientSentOverlongId_GetsNewId()
    {
        var sent = new string('a', 129);
        using var client = Client();
        using var response = await client.SendAsync(Post("/v1/chat/completions", """{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}]}""", sent));
        Assert.StartsWith("req_", RequestId(response));
    }

    [Fact]
    public async Task Requests_WithoutId_EachGetADistinctNewId()
    {
        using var client = Client();
        using var first = await client.GetAsync("/v1/models");
        using var second = await client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.StartsWith("req_", RequestId(first));
        Assert.NotEqual(RequestId(first), RequestId(second));
    }

    [Fact]
    public async Task Errors_BothSurfaces_CarryTheId()
    {
        using var client = Client();
        using var invalid = await client.SendAsync(Post("/v1/chat/completions", "{", "bad-json-1"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("bad-json-1", RequestId(invalid));

        using var llmInvalid = await client.SendAsync(Post("/llm/generation", "{}", "llm-bad-1"));
        Assert.Equal(HttpStatusCode.BadRequest, llmInvalid.StatusCode);
        Assert.Equal("llm-bad-1", RequestId(llmInvalid));

        using var notFound = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/nowhere") { Headers = { { "x-request-id", "missing-1" } } });
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("missing-1", RequestId(notFound));

        using var anonymous = Client(authorized: false);
        using var unauthorized = await anonymous.SendAsync(Post("/v1/chat/completions", """{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}]}""", "no-key-1"));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("no-key-1", RequestId(unauthorized));
    }

    [Fact]
    public async Task Streams_BothSurfaces_CarryTheId()
    {
        using var client = Client();
        using var openAi = await client.SendAsync(Post("/v1/chat/completions", """{"model":"fake/fake-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""", "stream-1"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, openAi.StatusCode);
        Assert.Equal("stream-1", RequestId(openAi));
        Assert.Contains("[DONE]", await openAi.Content.ReadAsStringAsync());

        using var llm = await client.SendAsync(Post("/llm/generation/stream", """{"model":"fake/fake-model","prompt":"Be brief.","user_prompt":"hi"}""", "stream-2"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, llm.StatusCode);
        Assert.Equal("stream-2", RequestId(llm));
    }

    [Fact]
    public async Task CompleteChat_OfficialClient_ReadsRequestIdFromRawResponse()
    {
        var openAi = new OpenAIClient(new ApiKeyCredential("gateway-secret"), new OpenAIClientOptions { Endpoint = new Uri(_address, "/v1") });
        ClientResult<ChatCompletion> result = await openAi.GetChatClient("fake/fake-model").CompleteChatAsync([new UserChatMessage("Hello")]);
        var raw = result.GetRawResponse();
        Assert.True(raw.Headers.TryGetValue("x-request-id", out var id), "The response has no x-request-id.");
        Assert.StartsWith("req_", id);
    }
}
