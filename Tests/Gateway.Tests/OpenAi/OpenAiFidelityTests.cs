using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
// The OpenAI client's message, not the gateway's (OrleansGateway.Chat is a global using of the tests).
using ChatMessage = OpenAI.Chat.ChatMessage;

namespace OrleansGateway.Tests.OpenAi;

/// <summary>
/// What the official OpenAI .NET client's typed API sends beyond plain chat (tools, streamed tool
/// calls, several choices, image parts, vendor fields) passes through the gateway to the fake
/// provider and back unchanged; on real Kestrel.
/// </summary>
public sealed class OpenAiFidelityTests() : GatewayAppTest(new Dictionary<string, string?> { ["SECRET_TOKEN"] = "gateway-secret" })
{
    private static readonly ChatTool s_weather = ChatTool.CreateFunctionTool(
        "get_weather", "The weather in a city.", BinaryData.FromString("""{"type":"object","properties":{"query":{"type":"string"}},"required":["query"]}"""));

    private static readonly ChatTool s_time = ChatTool.CreateFunctionTool(
        "get_time", "The time in a city.", BinaryData.FromString("""{"type":"object","properties":{"query":{"type":"string"}}}"""));

    private ChatClient _chat = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _chat = OpenAiClient(App.StartKestrel(), "gateway-secret").GetChatClient("fake/fake-model");
    }

    [Fact]
    public async Task CompleteChat_FunctionCallingRoundTrip_ToolCallThenFinalAnswer()
    {
        List<ChatMessage> messages = [new UserChatMessage("What time is it in Paris?")];
        var options = new ChatCompletionOptions
        {
            Tools = { s_weather, s_time },
            ToolChoice = ChatToolChoice.CreateFunctionChoice("get_time"),
            AllowParallelToolCalls = false,
        };

        ChatCompletion first = await _chat.CompleteChatAsync(messages, options);

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_time", call.FunctionName);
        Assert.Equal("What time is it in Paris?", JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("query").GetString());
        Assert.Equal("fake/fake-model", first.Model);
        using (var sent = Provider.Requests.Last().Json())
        {
            var root = sent.RootElement;
            Assert.Equal("fake-model", root.GetProperty("model").GetString());
            Assert.Equal(2, root.GetProperty("tools").GetArrayLength());
            Assert.Equal("get_time", root.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
            Assert.False(root.GetProperty("parallel_tool_calls").GetBoolean());
        }

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "12:00"));
        ChatCompletion final = await _chat.CompleteChatAsync(messages, new ChatCompletionOptions { Tools = { s_weather, s_time } });

        Assert.Equal(ChatFinishReason.Stop, final.FinishReason);
        Assert.Equal("tool said: 12:00", final.Content[0].Text);
        using var second = Provider.Requests.Last().Json();
        var sentMessages = second.RootElement.GetProperty("messages");
        Assert.Equal(call.Id, sentMessages[1].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("tool", sentMessages[2].GetProperty("role").GetString());
        Assert.Equal(call.Id, sentMessages[2].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public async Task CompleteChatStreaming_ToolCall_AssembledFromToolCallUpdates()
    {
        var options = new ChatCompletionOptions { Tools = { s_weather, s_time } };
        var ids = new Dictionary<int, string>();
        var names = new Dictionary<int, string>();
        var arguments = new Dictionary<int, StringBuilder>();
        ChatFinishReason? finish = null;
        var updates = 0;

        await foreach (var update in _chat.CompleteChatStreamingAsync([new UserChatMessage("Weather in Oslo?")], options))
        {
            Assert.Equal("fake/fake-model", update.Model);
            foreach (StreamingChatToolCallUpdate toolCall in update.ToolCallUpdates)
            {
                updates++;
                if (toolCall.ToolCallId is { } id)
                {
                    ids[toolCall.Index] = id;
                }

                if (toolCall.FunctionName is { } name)
                {
                    names[toolCall.Index] = name;
                }

                if (!arguments.TryGetValue(toolCall.Index, out var builder))
                {
                    arguments[toolCall.Index] = builder = new StringBuilder();
                }

                builder.Append(toolCall.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(3, updates);
        Assert.Equal("call_0_0", Assert.Single(ids).Value);
        Assert.Equal("get_weather", names[0]);
        Assert.Equal("""{"query":"Weather in Oslo?"}""", arguments[0].ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
    }

    [Fact]
    public async Task CompleteChat_NTwo_ReturnsTwoChoices()
    {
        var options = new ChatCompletionOptions();
#pragma warning disable SCME0001 // JsonPatch: the typed options have no n; the SDK sends it as an extra field.
        options.Patch.Set("$.n"u8, 2);
#pragma warning restore SCME0001

        var result = await _chat.CompleteChatAsync([new UserChatMessage("hi")], options);

        Assert.Equal("echo: hi", result.Value.Content[0].Text);
        using var body = JsonDocument.Parse(result.GetRawResponse().Content);
        var choices = body.RootElement.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        Assert.Equal(1, choices[1].GetProperty("index").GetInt32());
        Assert.Equal("echo: hi [2]", choices[1].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("fp_fake", body.RootElement.GetProperty("system_fingerprint").GetString());
        Assert.Equal(2, JsonDocument.Parse(Provider.Requests.Last().Body).RootElement.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task CompleteChat_ImagePart_ReachesProviderByteForByte()
    {
        var image = new byte[4096];
        new Random(14).NextBytes(image);
        var message = new UserChatMessage(
            ChatMessageContentPart.CreateTextPart("What is in this picture?"),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(image), "image/png", ChatImageDetailLevel.Low));

        ChatCompletion completion = await _chat.CompleteChatAsync([message]);

        Assert.Equal("echo: What is in this picture?", completion.Content[0].Text);
        using var sent = Provider.Requests.Last().Json();
        var parts = sent.RootElement.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal("image_url", parts[1].GetProperty("type").GetString());
        Assert.Equal("low", parts[1].GetProperty("image_url").GetProperty("detail").GetString());
        var url = parts[1].GetProperty("image_url").GetProperty("url").GetString()!;
        Assert.StartsWith("data:image/png;base64,", url);
        Assert.Equal(image, Convert.FromBase64String(url["data:image/png;base64,".Length..]));
    }

    [Fact]
    public async Task CompleteChat_UnknownVendorField_ReachesProviderUnchanged()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 50 };
#pragma warning disable SCME0001 // JsonPatch: how the SDK sends fields it has no property for (extra_body).
        options.Patch.Set("$.top_k"u8, 5);
        options.Patch.Set("$.repetition_penalty"u8, 1.25);
        options.Patch.SetNull("$.vendor_null"u8);
#pragma warning restore SCME0001

        ChatCompletion completion = await _chat.CompleteChatAsync([new UserChatMessage("hi")], options);

        Assert.Equal("echo: hi", completion.Content[0].Text);
        using var sent = Provider.Requests.Last().Json();
        var root = sent.RootElement;
        Assert.Equal(5, root.GetProperty("top_k").GetInt32());
        Assert.Equal(1.25, root.GetProperty("repetition_penalty").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("vendor_null").ValueKind);
        Assert.Equal(50, root.GetProperty("max_completion_tokens").GetInt32());
    }

    [Fact]
    public async Task CompleteChat_ProviderRejectsField_Returns400WithProviderMessage()
    {
        Provider.RejectedFields.Add("top_k");
        var options = new ChatCompletionOptions();
#pragma warning disable SCME0001 // JsonPatch: an extra field the provider does not accept.
        options.Patch.Set("$.top_k"u8, 5);
#pragma warning restore SCME0001

        var exception = await Assert.ThrowsAsync<ClientResultException>(() => _chat.CompleteChatAsync([new UserChatMessage("hi")], options));

        Assert.Equal(400, exception.Status);
        Assert.Contains("Unrecognized request argument supplied: top_k", exception.Message);
        Assert.Single(Provider.Requests);
    }

    [Fact]
    public async Task CompleteChat_ProviderSendsNoUsage_EstimateCountsToolDefinitions()
    {
        Provider.Behavior = _ => new FakeReply { Content = "fine", IncludeUsage = false };

        ChatCompletion plain = await _chat.CompleteChatAsync([new UserChatMessage("hi")]);
        ChatCompletion withTools = await _chat.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { Tools = { s_weather, s_time } });

        Assert.True(plain.Usage.InputTokenCount > 0);
        Assert.True(withTools.Usage.InputTokenCount > plain.Usage.InputTokenCount + 20,
            $"expected the tool definitions to add to the estimate: {plain.Usage.InputTokenCount} without, {withTools.Usage.InputTokenCount} with");
        Assert.Equal(plain.Usage.OutputTokenCount, withTools.Usage.OutputTokenCount);
    }
}
