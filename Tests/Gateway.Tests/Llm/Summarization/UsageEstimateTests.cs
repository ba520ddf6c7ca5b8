using Microsoft.ML.Tokenizers;

namespace OrleansGateway.Tests.Llm.Summarization;

public sealed class UsageEstimateTests : GatewayAppTest
{

    [Fact]
    public async Task Summarization_ProviderReportsNoUsage_EstimatesUsageWithTokenizer()
    {
        const string summary = "Budget approved for the parks.";
        const string text = "The council met on Monday and approved the new budget for parks.";
        Provider.Behavior = _ => new FakeReply { Content = summary, IncludeUsage = false };

        var response = await App.PostAsync("/llm/summarization", new { model = "fake/fake-model", user_prompt = text });
        var body = await GatewayApplication.ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        var sent = Assert.Single(Provider.Requests);
        var tokenizer = TiktokenTokenizer.CreateForModel("gpt-4o");
        // Each message: 3 framing tokens, its role and its text; 3 more prime the reply.
        var expectedPrompt = 3 + sent.Messages.Sum(m => 3 + tokenizer.CountTokens(m.Role) + tokenizer.CountTokens(m.Content));
        var usage = body.GetProperty("usage");
        Assert.Equal(expectedPrompt, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(tokenizer.CountTokens(summary), usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(expectedPrompt + tokenizer.CountTokens(summary), usage.GetProperty("total_tokens").GetInt32());
    }
}
