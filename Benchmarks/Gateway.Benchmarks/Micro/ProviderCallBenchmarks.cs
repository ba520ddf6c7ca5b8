using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using BenchmarkDotNet.Attributes;
using OpenAI;
using OpenAI.Chat;
using OrleansGateway.Chat;
using OrleansGateway.Providers;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>
/// The provider call without the network: what the <c>OpenAI</c> package costs to build the request,
/// send it through an in-memory handler and parse the answer into the gateway's <see cref="ChatResult"/>,
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

    [Benchmark]
    public async Task<ChatResult> OpenAIPackageCompleteChat()
    {
        var messages = ProviderChatCaller.ToOpenAIMessages(BenchData.Request.Messages);
        var options = ProviderChatCaller.ToOpenAIOptions(BenchData.Request, _options);
        var completion = (await _chat.CompleteChatAsync(messages, options)).Value;
        return new ChatResult(completion.Id, "fake/m", string.Concat(completion.Content.Select(p => p.Text)),
            ProviderChatCaller.ToWireFinishReason(completion.FinishReason),
            completion.Usage is { } u ? new TokenUsage(u.InputTokenCount, u.OutputTokenCount, u.TotalTokenCount) : TokenUsage.Zero,
            completion.CreatedAt.ToUnixTimeSeconds());
    }

    /// <summary>Only the package's request building (messages and options), no call.</summary>
    [Benchmark]
    public ChatCompletionOptions BuildOpenAIRequest()
    {
        var messages = ProviderChatCaller.ToOpenAIMessages(BenchData.Request.Messages);
        _ = messages.Count + Encoding.UTF8.GetByteCount(BenchData.Request.Model);
        return ProviderChatCaller.ToOpenAIOptions(BenchData.Request, _options);
    }
}
