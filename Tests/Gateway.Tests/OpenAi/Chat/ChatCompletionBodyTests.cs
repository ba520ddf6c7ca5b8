using Microsoft.Extensions.Options;
using OrleansGateway.Frontend.Chat;
using OrleansGateway.Frontend.OpenAi;
using OrleansGateway.Frontend.OpenAi.Chat;

namespace OrleansGateway.Tests.OpenAi.Chat;

/// <summary>
/// The reusable mapping of the OpenAI surface (also for batch lines): raw body bytes to the request
/// the gateway runs, and a result to the exact response bytes.
/// </summary>
public sealed class ChatCompletionBodyTests
{
    private static readonly ModelResolver s_models = new(Options.Create(new ProvidersOptions
    {
        Providers = { ["fake"] = new ProviderOptions { BaseUrl = "http://127.0.0.1:9/v1", ApiKey = "x", Models = ["m"] } },
    }));

    [Fact]
    public void Write_ProviderBody_KeepsEveryFieldRewritesModelAndFillsMissingUsage()
    {
        const string Provider = """{"id":"c-1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":\"\u00e9\"}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],"system_fingerprint":"fp","x\u002dvendor":[1,2.50,true]}""";
        var result = new ChatResult("c-1", "fake/m", string.Empty, "tool_calls", new TokenUsage(7, 3, 10), 1) { ProviderBody = Encoding.UTF8.GetBytes(Provider) };

        using var written = JsonDocument.Parse(ChatCompletionBody.Write(result));

        var root = written.RootElement;
        Assert.Equal("fake/m", root.GetProperty("model").GetString());
        Assert.Equal("fp", root.GetProperty("system_fingerprint").GetString());
        Assert.Equal("""{"a":"é"}""", root.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("[1,2.50,true]", root.GetProperty("x-vendor").GetRawText());
        Assert.Equal(10, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public void Write_ProviderUsage_KeptAsItCame()
    {
        const string Provider = """{"id":"c-1","model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":1}}}""";
        var result = new ChatResult("c-1", "fake/m", string.Empty, "stop", new TokenUsage(1, 2, 3), 1) { ProviderBody = Encoding.UTF8.GetBytes(Provider) };

        using var written = JsonDocument.Parse(ChatCompletionBody.Write(result));

        Assert.Equal(1, written.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public void FromJson_ToolsAndVendorField_CarriedAsTheyCameWithGatewayFieldsTakenOut()
    {
        var json = """{"model":"fake/m","messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAE="}}]}],"tools":[{"type":"function","function":{"name":"f"}}],"top_k":5,"fallbacks":[],"metadata":{"a":"b"}}"""u8;

        var (request, error) = ChatCompletionMapper.FromJson(json, s_models);

        Assert.Null(error);
        Assert.Equal("hi", request!.Messages[0].Content);
        var passThrough = request.PassThrough!;
        Assert.Contains("data:image/png;base64,AAE=", passThrough.MessagesJson, StringComparison.Ordinal);
        Assert.Equal(["tools", "top_k"], passThrough.Fields.Select(f => f.Name).Order().ToArray());
        Assert.Equal("5", passThrough.Fields.Single(f => f.Name == "top_k").Json);
    }

    [Theory]
    [InlineData("""{"model":"fake/m","messages":[{"role":"robot","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"fake/m","messages":[{"role":"user","content":"hi"}],"temperature":3}""", "temperature")]
    [InlineData("""{"model":"fake/m","messages":"hi"}""", "messages")]
    public void FromJson_InvalidBody_SameErrorAsTheEndpoint(string json, string param)
    {
        var (request, error) = ChatCompletionMapper.FromJson(Encoding.UTF8.GetBytes(json), s_models);

        Assert.Null(request);
        Assert.Equal(param, error!.Param);
    }

    [Fact]
    public void Write_RequestWithPassThrough_ProviderBodyHasRawMessagesAndFields()
    {
        var request = new ChatRequest("fake/m", ImmutableArray.Create(new ChatMessage("user", "hi")))
        {
            MaxTokens = 9,
            PassThrough = new OpenAiPassThrough("""[{"role":"user","content":"hi","name":"ann"}]""", [new PassThroughField("n", "2")]),
        };

        using var content = ChatCompletionRequestWriter.Write(request, "m", new ProviderOptions { MaxTokensField = "max_tokens" }, stream: false);
        using var stream = new MemoryStream();
        content.WriteTo(stream);
        using var body = JsonDocument.Parse(stream.ToArray());

        Assert.Equal("ann", body.RootElement.GetProperty("messages")[0].GetProperty("name").GetString());
        Assert.Equal(2, body.RootElement.GetProperty("n").GetInt32());
        Assert.Equal(9, body.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Equal("m", body.RootElement.GetProperty("model").GetString());
    }
}
