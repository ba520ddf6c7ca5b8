namespace OrleansGateway.Tests.Providers;

public sealed class ChatCompletionWireTests
{
    private static readonly ProviderOptions s_openAi = new() { MaxTokensField = "max_completion_tokens" };
    private static readonly ProviderOptions s_local = new() { MaxTokensField = "max_tokens" };

    [Fact]
    public void Write_EverySetting_WritesTheOpenAiRequestBody()
    {
        var request = new ChatRequest("openai/gpt-4o-mini",
            [new ChatMessage("system", "Be brief."), new ChatMessage("developer", "Plain text."), new ChatMessage("assistant", "Hi."), new ChatMessage("tool", "x\"y")])
        {
            MaxTokens = 64,
            Temperature = 0.7f,
            TopP = 0.9f,
            Seed = 7,
            User = "u-1",
            Stop = ["END", "STOP"],
            Metadata = new Dictionary<string, string> { ["team"] = "search" }.ToImmutableDictionary(),
            ResponseFormat = new ResponseFormatSpec("json_schema", "answer", """{"type":"object"}""", true),
        };

        var body = Encode(request, s_openAi, stream: false);

        Assert.Equal(
            """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":"Plain text."},{"role":"assistant","content":"Hi."},{"role":"user","content":"x\u0022y"}],"temperature":0.7,"top_p":0.9,"seed":7,"user":"u-1","max_completion_tokens":64,"stop":["END","STOP"],"response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},"strict":true}}}""",
            body);
    }

    [Fact]
    public void Write_StreamToLocalServer_AsksForUsageAndUsesMaxTokens()
    {
        var request = new ChatRequest("local/llama3", [new ChatMessage("user", "hi")]) { MaxTokens = 5, ResponseFormat = new ResponseFormatSpec("json_object") };

        var body = Encode(request, s_local, stream: true);

        Assert.Equal(
            """{"model":"llama3","messages":[{"role":"user","content":"hi"}],"max_tokens":5,"response_format":{"type":"json_object"},"stream":true,"stream_options":{"include_usage":true}}""",
            body);
    }

    [Fact]
    public void Read_CompletionBody_ReadsTextFinishReasonUsageIdAndTime()
    {
        var completion = Read("""
            {"id":"chatcmpl-1","object":"chat.completion","created":1732400000,"model":"m",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"length"}],
             "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5,"prompt_tokens_details":{"cached_tokens":0}}}
            """);

        Assert.Equal(new ProviderCompletion("chatcmpl-1", "Hello", "length", new TokenUsage(3, 2, 5), 1732400000), completion);
    }

    [Fact]
    public void Read_ContentPartsNoUsageUnknownFinishReason_JoinsTextAndLeavesTheRestUnset()
    {
        var completion = Read("""{"choices":[{"message":{"content":[{"type":"text","text":"a"},{"type":"image_url"},{"type":"text","text":"b"}]},"finish_reason":"eos"}]}""");

        Assert.Equal(new ProviderCompletion(null, "ab", "stop", null, null), completion);
    }

    [Fact]
    public void Read_NullContent_IsEmptyText()
    {
        var completion = Read("""{"id":"x","choices":[{"message":{"role":"assistant","content":null},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":4,"completion_tokens":1}}""");

        Assert.Equal(new ProviderCompletion("x", string.Empty, "tool_calls", new TokenUsage(4, 1, 5), null), completion);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"choices":5}""", "no choices")]
    [InlineData("""{"choices":[]}""", "no choices")]
    [InlineData("""{"id":"x"}""", "no choices")]
    public void Read_MalformedBody_ThrowsFormatExceptionSayingWhy(string body, string reason)
    {
        var exception = Assert.Throws<FormatException>(() => Read(body));

        Assert.Contains(reason, exception.Message);
    }

    [Fact]
    public void Read_EscapedPropertyNames_AreRecognised()
    {
        var completion = Read("""{"\u0069d":"x","choices":[{"m\u0065ssage":{"content":"a"},"finish_reason":"length"}]}""");

        Assert.Equal(new ProviderCompletion("x", "a", "length", null, null), completion);
    }

    [Fact]
    public void ReadChunk_ContentDelta_ReadsIdAndText()
    {
        var chunk = ChatCompletionChunkReader.Read("""{"id":"c-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null,"logprobs":null}],"usage":null}"""u8);

        Assert.Equal(new ProviderChunk("c-1", "Hel", null, null, null, Done: false) { Choices = 1 }, chunk);
    }

    [Fact]
    public void ReadChunk_RoleOnlyDelta_HasNoText()
    {
        var chunk = ChatCompletionChunkReader.Read("""{"id":"c-1","choices":[{"index":0,"delta":{"role":"assistant","content":null}}]}"""u8);

        Assert.Equal(new ProviderChunk("c-1", null, null, null, null, Done: false) { Choices = 1 }, chunk);
    }

    [Fact]
    public void ReadChunk_KeepRaw_KeepsTheEventAsItCame()
    {
        const string Json = """{"id":"c-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\""}}]}}]}""";

        var chunk = ChatCompletionChunkReader.Read(System.Text.Encoding.UTF8.GetBytes(Json), keepRaw: true);

        Assert.Equal(Json, chunk.Raw);
        Assert.Equal(1, chunk.Choices);
        Assert.Null(chunk.Text);
        Assert.True(chunk.HasOtherDelta, "a tool-call fragment is a token for the first-token timeout");
    }

    [Theory]
    [InlineData("""{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":null}}]}""", false)]
    [InlineData("""{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""", false)]
    [InlineData("""{"choices":[{"index":0,"delta":{"refusal":"no"}}]}""", true)]
    public void ReadChunk_RoleOnlyOrOtherDelta_TellsTheTokensApart(string json, bool expected)
    {
        var chunk = ChatCompletionChunkReader.Read(System.Text.Encoding.UTF8.GetBytes(json), keepRaw: true);

        Assert.Equal(expected, chunk.HasOtherDelta);
    }

    [Fact]
    public void ReadChunk_FinishAndUsage_ReadsFinishReasonAndUsage()
    {
        var finish = ChatCompletionChunkReader.Read("""{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"""u8);
        var usage = ChatCompletionChunkReader.Read("""{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":16,"total_tokens":25,"completion_tokens_details":{"reasoning_tokens":0}}}"""u8);

        Assert.Equal("length", finish.FinishReason);
        Assert.Equal(new TokenUsage(9, 16, 25), usage.Usage);
        Assert.Null(usage.Text);
    }

    [Fact]
    public void ReadChunk_DoneMarkerAndErrorEvent_AreRecognised()
    {
        Assert.True(ChatCompletionChunkReader.Read("[DONE]"u8).Done);
        Assert.Equal("model overloaded", ChatCompletionChunkReader.Read("""{"error":{"message":"model overloaded","type":"server_error"}}"""u8).Error);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("""{"choices":[{"delta":{"content":"a"}""")]
    public void ReadChunk_MalformedData_ThrowsFormatException(string data)
    {
        Assert.Throws<FormatException>(() => ChatCompletionChunkReader.Read(Encoding.UTF8.GetBytes(data)));
    }

    [Fact]
    public async Task ReadAsync_BodyLongerThanTheFirstBufferInSmallReads_ReadsItWhole()
    {
        var text = string.Concat(Enumerable.Range(0, 3000).Select(i => (char)('a' + i % 26)));
        var body = $$$"""{"id":"chatcmpl-9","created":5,"choices":[{"message":{"role":"assistant","content":"{{{text}}}"},"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""";
        await using var content = new TrickleStream(Encoding.UTF8.GetBytes(body + new string(' ', 6000)), 700);

        var completion = await ChatCompletionResponseReader.ReadAsync(content, CancellationToken.None);

        Assert.Equal(text, completion.Content);
        Assert.Equal("chatcmpl-9", completion.Id);
        Assert.Equal("length", completion.FinishReason);
        Assert.Equal(new TokenUsage(1, 2, 3), completion.Usage);
    }

    [Fact]
    public async Task ReadAsync_NoBodyOrNotJson_ThrowsFormatException()
    {
        await Assert.ThrowsAsync<FormatException>(async () => await ChatCompletionResponseReader.ReadAsync(null, CancellationToken.None));
        await using var html = new MemoryStream("<html>busy</html>"u8.ToArray());
        await Assert.ThrowsAsync<FormatException>(async () => await ChatCompletionResponseReader.ReadAsync(html, CancellationToken.None));
    }

    private static string Encode(ChatRequest request, ProviderOptions provider, bool stream)
    {
        using var content = ChatCompletionRequestWriter.Write(request, request.Model[(request.Model.IndexOf('/') + 1)..], provider, stream);
        using var buffer = new MemoryStream();
        content.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static ProviderCompletion Read(string body) => ChatCompletionResponseReader.Read(Encoding.UTF8.GetBytes(body));

    /// <summary>A body that arrives at most <c>chunk</c> bytes per read, like a socket.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
