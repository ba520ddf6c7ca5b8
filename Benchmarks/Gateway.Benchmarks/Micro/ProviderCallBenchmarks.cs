using System.ClientModel;
using System.ClientModel.Primitives;
using BenchmarkDotNet.Attributes;
using OpenAI;
using OpenAI.Chat;
using OrleansGateway.Chat;
using OrleansGateway.Providers;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>
/// The provider call without the network: what the <c>OpenAI</c> package costs (protocol method as the
/// gateway calls it, and the typed method) to send the request through an in-memory handler and turn the
/// answer into the gateway's <see cref="ChatResult"/>,
/// against a plain <see cref="HttpClient"/> POST of the same bytes (what a pass-through pays).
/// </summary>
[MemoryDiagnoser]
public class ProviderCallBenchmarks
{
    private readonly ProviderOptions _options = BenchData.Options.Providers["fake"];
    private ChatClient _chat = null!;
    private HttpClient _raw = null!;

    [GlobalSetup]
    public void Setup()
    {
        var http = new HttpClient(new CannedResponseHandler(BenchData.ProviderResponseBytes));
        _chat = new OpenAIClient(new ApiKeyCredential("x"), new OpenAIClientOptions
        {
            Endpoint = new Uri("http://127.0.0.1:9/v1"),
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
            ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false },
        }).GetChatClient("m");
        _raw = new HttpClient(new CannedResponseHandler(BenchData.ProviderResponseBytes));
    }

    [Benchmark(Baseline = true)]
    public async Task<int> RawHttpClientPostBytes()
    {
        using var content = new ByteArrayContent(BenchData.RequestBytes);
        using var response = await _raw.PostAsync("http://127.0.0.1:9/v1/chat/completions", content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return bytes.Length;
    }

    /// <summary>What the gateway does: its own request body, the package's protocol method, one read of the answer.</summary>
    [Benchmark]
    public async Task<ChatResult> OpenAIPackageProtocolMethod()
    {
        using var body = ChatCompletionRequestWriter.Write(BenchData.Request, "m", _options, stream: false);
        var result = await _chat.CompleteChatAsync(body, new RequestOptions { BufferResponse = false });
        using var response = result.GetRawResponse();
        var completion = await ChatCompletionResponseReader.ReadAsync(response.ContentStream, CancellationToken.None);
        return new ChatResult(completion.Id ?? "x", "fake/m", completion.Content, completion.FinishReason, completion.Usage ?? TokenUsage.Zero, completion.CreatedUnixSeconds ?? 0);
    }

    /// <summary>The package's typed method (the gateway's provider call before 2026-11-24 19:40).</summary>
    [Benchmark]
    public async Task<ChatResult> OpenAIPackageTypedMethod()
    {
        var messages = BenchData.Request.Messages.Select(OpenAI.Chat.ChatMessage (m) => m.Role == "system" ? new SystemChatMessage(m.Content) : new UserChatMessage(m.Content)).ToList();
        var options = new ChatCompletionOptions { Temperature = BenchData.Request.Temperature, MaxOutputTokenCount = BenchData.Request.MaxTokens };
        var completion = (await _chat.CompleteChatAsync(messages, options)).Value;
        return new ChatResult(completion.Id, "fake/m", string.Concat(completion.Content.Select(p => p.Text)),
            completion.FinishReason == ChatFinishReason.Length ? "length" : "stop",
            completion.Usage is { } u ? new TokenUsage(u.InputTokenCount, u.OutputTokenCount, u.TotalTokenCount) : TokenUsage.Zero,
            completion.CreatedAt.ToUnixTimeSeconds());
    }

    /// <summary>Only the request body, no call.</summary>
    [Benchmark]
    public int WriteRequestBody()
    {
        using var body = ChatCompletionRequestWriter.Write(BenchData.Request, "m", _options, stream: false);
        return body.TryComputeLength(out var length) ? (int)length : 0;
    }
}
