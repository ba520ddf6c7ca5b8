using System.Text.RegularExpressions;
using OrleansGateway.Frontend.Llm.Summarization;

namespace OrleansGateway.Tests.Llm.Summarization;

public sealed partial class SummarizationTests() : GatewayAppTest(new Dictionary<string, string?>
{
    ["Gateway:Summarization:MaxChunkCharacters"] = MaxChunk.ToString(System.Globalization.CultureInfo.InvariantCulture),
})
{
    private const int MaxChunk = 200;

    [Fact]
    public async Task Summarization_ShortText_SummarizesInOneCallWithInstructions()
    {
        Provider.Behavior = _ => FakeReply.Text("  A short summary.  ");
        const string text = "The council met on Monday and approved the new budget for parks.";
        var response = await App.PostAsync("/llm/summarization", new { model = "fake/fake-model", user_prompt = text, prompt = "Answer in French." });
        var body = await GatewayApplication.ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("success", body.GetProperty("status").GetString());
        Assert.Equal("A short summary.", body.GetProperty("content").GetProperty("summary").GetString());
        var sent = Assert.Single(Provider.Requests);
        Assert.Equal(text, sent.LastUserMessage);
        Assert.Contains("Answer in French.", sent.Messages.Single(m => m.Role == "system").Content, StringComparison.Ordinal);
        var expected = FakeUsage.Of(sent, "  A short summary.  ");
        Assert.Equal(expected.Total, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(expected.Prompt, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Summarization_LongText_SummarizesPartsThenTheirSummariesAndSumsUsage()
    {
        var paragraphs = Enumerable.Range(1, 10).Select(i => $"Paragraph {i} tells how the team built part {i} of the bridge over many long weeks of work.");
        var text = string.Join("\n\n", paragraphs);
        Assert.True(text.Length > 4 * MaxChunk, "The text must need several parts.");
        Provider.Behavior = request =>
        {
            var system = request.Messages.Single(m => m.Role == "system").Content;
            var part = PartPattern().Match(system);
            return FakeReply.Text(part.Success ? $"S{part.Groups[1].Value}" : "The team built a bridge in ten parts.");
        };

        var response = await App.PostAsync("/llm/summarization", new { model = "fake/fake-model", user_prompt = text });
        var body = await GatewayApplication.ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("The team built a bridge in ten parts.", body.GetProperty("content").GetProperty("summary").GetString());
        var requests = Provider.Requests.ToArray();
        var expectedParts = TextSplitter.Split(text, MaxChunk);
        var partRequests = requests
            .Select(r => (Request: r, Match: PartPattern().Match(r.Messages.Single(m => m.Role == "system").Content)))
            .Where(p => p.Match.Success)
            .OrderBy(p => int.Parse(p.Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(expectedParts.Count, partRequests.Count);
        Assert.All(partRequests, p => Assert.True(p.Request.LastUserMessage.Length <= MaxChunk, $"A part of {p.Request.LastUserMessage.Length} characters exceeds {MaxChunk}."));
        Assert.Equal(text, string.Concat(partRequests.Select(p => p.Request.LastUserMessage)));

        var final = Assert.Single(requests, r => !PartPattern().IsMatch(r.Messages.Single(m => m.Role == "system").Content));
        Assert.Equal(string.Join("\n\n", Enumerable.Range(1, expectedParts.Count).Select(i => $"S{i}")), final.LastUserMessage);

        var answers = requests.Select(r => ReferenceEquals(r, final) ? "The team built a bridge in ten parts." : $"S{PartPattern().Match(r.Messages.Single(m => m.Role == "system").Content).Groups[1].Value}");
        var expectedTotal = requests.Zip(answers).Sum(pair => FakeUsage.Of(pair.First, pair.Second).Total);
        Assert.Equal(expectedTotal, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Summarization_MissingUserPrompt_Answers400()
    {
        var response = await App.PostAsync("/llm/summarization", new { model = "fake/fake-model", prompt = "Be brief." });

        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.BadRequest, "user_prompt");
        Assert.Equal(0, Provider.TotalCount);
    }

    [GeneratedRegex(@"You summarize part (\d+) of \d+")]
    private static partial Regex PartPattern();
}
