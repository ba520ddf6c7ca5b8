using System.Text;
using Microsoft.Extensions.Options;
using OrleansGateway.Chat;
using OrleansGateway.Frontend.Chat;
using OrleansGateway.Providers;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>The request and response the micro-benchmarks use: the same as the HTTP benchmark's.</summary>
public static class BenchData
{
    public const string RequestJson = """{"model":"fake/m","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32}""";

    /// <summary>What the fake provider answers (16 chunks of text).</summary>
    public const string ProviderResponseJson = """{"id":"chatcmpl-fake-0123456789ab","object":"chat.completion","created":1764000000,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12 word13 word14 word15 "},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":16,"total_tokens":25}}""";

    public static byte[] RequestBytes { get; } = Encoding.UTF8.GetBytes(RequestJson);

    public static byte[] ProviderResponseBytes { get; } = Encoding.UTF8.GetBytes(ProviderResponseJson);

    public static ProvidersOptions Options { get; } = new()
    {
        Providers = { ["fake"] = new ProviderOptions { BaseUrl = "http://127.0.0.1:9/v1", ApiKey = "x", Models = ["m"], MaxTokensField = "max_completion_tokens" } },
    };

    public static ModelResolver Models { get; } = new(Microsoft.Extensions.Options.Options.Create(Options));

    public static ChatRequest Request { get; } = new("fake/m", [new ChatMessage("user", "Say hello in one short sentence.")]) { MaxTokens = 32 };

    public static ChatResult Result { get; } = new("chatcmpl-fake-0123456789ab", "fake/m",
        "word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12 word13 word14 word15 ", "stop", new TokenUsage(9, 16, 25), 1764000000);

    public static IOptions<ProvidersOptions> OptionsAccessor { get; } = Microsoft.Extensions.Options.Options.Create(Options);
}
