using System.ClientModel;
using OpenAI;
using OpenAI.Chat;

namespace OrleansGateway.Tests.OpenAi;

/// <summary>The official OpenAI .NET client, unmodified, against the gateway on real Kestrel.</summary>
public sealed class OfficialClientTests() : GatewayAppTest(new Dictionary<string, string?> { ["SECRET_TOKEN"] = "gateway-secret" })
{
    private OpenAIClient _client = null!;
    private Uri _address = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _address = App.StartKestrel();
        _client = OpenAiClient(_address, "gateway-secret");
    }

    [Fact]
    public async Task CompleteChat_OfficialClient_GetsCompletion()
    {
        ChatCompletion completion = await _client.GetChatClient("fake/fake-model").CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hello there")],
            new ChatCompletionOptions { MaxOutputTokenCount = 20, Temperature = 0.5f });
        Assert.Equal("echo: Hello there", completion.Content[0].Text);
        Assert.Equal("fake/fake-model", completion.Model);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.TotalTokenCount > 0);
    }

    [Fact]
    public async Task GetModels_OfficialClient_ListsProviderModels()
    {
        var models = await _client.GetOpenAIModelClient().GetModelsAsync();
        Assert.Contains(models.Value, m => m.Id == "fake/fake-model" && m.OwnedBy == "fake");
    }

    [Fact]
    public async Task CompleteChat_WrongKey_ThrowsWith401()
    {
        var client = OpenAiClient(_address, "wrong");
        var exception = await Assert.ThrowsAsync<ClientResultException>(() => client.GetChatClient("fake/fake-model").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, exception.Status);
    }

    [Fact]
    public async Task CompleteChat_UnknownModel_ThrowsWith404()
    {
        var exception = await Assert.ThrowsAsync<ClientResultException>(() => _client.GetChatClient("nosuch/model").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, exception.Status);
        Assert.Contains("nosuch", exception.Message);
    }
}
