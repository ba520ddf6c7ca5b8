namespace OrleansGateway.Tests.Llm.Classification;

public sealed class ClassificationTests(ClassificationFixture fixture) : IClassFixture<ClassificationFixture>
{
    private static readonly object[] s_classes =
    [
        new { id = "positive", label = "Positive sentiment" },
        new { id = "negative", label = "Negative sentiment" },
        new { id = "neutral", label = "Neutral sentiment" },
    ];

    private static object Request(string model = "fake/fake-model") => new
    {
        model,
        user_prompt = "This movie was absolutely terrible. Waste of time.",
        classes = s_classes,
    };

    private async Task<(HttpResponseMessage Response, JsonElement Body)> ClassifyAsync(object body)
    {
        var response = await fixture.App.PostAsync("/llm/classification", body);
        return (response, await GatewayApplication.ReadJsonAsync(response));
    }

    [Theory]
    [InlineData("{\"id\": \"negative\"}")]
    [InlineData("negative")]
    [InlineData("Negative sentiment")]
    [InlineData("  \"NEGATIVE\".  ")]
    [InlineData("'negative'!")]
    [InlineData("```json\n{\"id\": \"negative\"}\n```")]
    [InlineData("{\"id\": \"Negative Sentiment\"}")]
    [InlineData("{\"class\": \"negative\"}")]
    [InlineData("id: negative")]
    [InlineData("\n**Negative**\n")]
    public async Task Classification_AnswerForm_ReturnsCallersClassAndUsage(string answer)
    {
        fixture.Provider.Behavior = _ => FakeReply.Text(answer);
        fixture.Provider.ResetCounters();
        var (response, body) = await ClassifyAsync(Request());

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 for answer '{answer}', got {(int)response.StatusCode}: {body}");
        Assert.Equal("success", body.GetProperty("status").GetString());
        Assert.Equal("negative", body.GetProperty("content").GetProperty("id").GetString());
        Assert.Equal("Negative sentiment", body.GetProperty("content").GetProperty("label").GetString());
        var sent = Assert.Single(fixture.Provider.Requests);
        var expected = FakeUsage.Of(sent, answer);
        var usage = body.GetProperty("usage");
        Assert.Equal(expected.Prompt, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected.Completion, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(expected.Total, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Classification_ProviderSupportsJsonSchema_AsksForSchemaWithClassIdEnum()
    {
        fixture.Provider.Behavior = _ => FakeReply.Text("{\"id\":\"negative\"}");
        fixture.Provider.ResetCounters();
        var (response, body) = await ClassifyAsync(Request());
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());

        var sent = Assert.Single(fixture.Provider.Requests);
        using var document = sent.Json();
        var format = document.RootElement.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        var schema = format.GetProperty("json_schema");
        Assert.True(schema.GetProperty("strict").GetBoolean(), "The schema must be strict.");
        var ids = schema.GetProperty("schema").GetProperty("properties").GetProperty("id").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["positive", "negative", "neutral"], ids);
        Assert.Equal("id", Assert.Single(schema.GetProperty("schema").GetProperty("required").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Classification_ProviderWithoutJsonSchema_AsksWithPlainInstruction()
    {
        fixture.Provider.Behavior = _ => FakeReply.Text("negative");
        fixture.Provider.ResetCounters();
        var (response, body) = await ClassifyAsync(Request("plain/fake-model"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());

        var sent = Assert.Single(fixture.Provider.Requests);
        Assert.False(sent.Has("response_format"), $"A provider without JSON schema support must get no response_format: {sent.Body}");
        var system = sent.Messages.Single(m => m.Role == "system").Content;
        Assert.Contains("- positive: Positive sentiment", system, StringComparison.Ordinal);
        Assert.Contains("- negative: Negative sentiment", system, StringComparison.Ordinal);
        Assert.Contains("- neutral: Neutral sentiment", system, StringComparison.Ordinal);
        Assert.Equal("This movie was absolutely terrible. Waste of time.", sent.LastUserMessage);
    }

    [Fact]
    public async Task Classification_FirstAnswerNamesNoClass_AsksOnceMoreAndSumsUsage()
    {
        var calls = 0;
        fixture.Provider.Behavior = _ => FakeReply.Text(Interlocked.Increment(ref calls) == 1 ? "I am not sure about this one" : "positive");
        fixture.Provider.ResetCounters();
        var (response, body) = await ClassifyAsync(Request());

        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("positive", body.GetProperty("content").GetProperty("id").GetString());
        var requests = fixture.Provider.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        var retry = requests[1].Messages;
        Assert.Equal(("assistant", "I am not sure about this one"), retry[^2]);
        Assert.Equal("user", retry[^1].Role);
        Assert.Contains("positive, negative, neutral", retry[^1].Content, StringComparison.Ordinal);

        var first = FakeUsage.Of(requests[0], "I am not sure about this one");
        var second = FakeUsage.Of(requests[1], "positive");
        var usage = body.GetProperty("usage");
        Assert.Equal(first.Prompt + second.Prompt, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(first.Completion + second.Completion, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(first.Total + second.Total, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Classification_NoClassAfterCorrection_AnswersDocumentedErrorQuotingModel()
    {
        fixture.Provider.Behavior = _ => FakeReply.Text("banana split");
        fixture.Provider.ResetCounters();
        var response = await fixture.App.PostAsync("/llm/classification", Request());

        var message = await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.InternalServerError, "\"banana split\"");
        Assert.Contains("positive, negative, neutral", message, StringComparison.Ordinal);
        Assert.Equal(2, fixture.Provider.Requests.Count);
    }

    public static TheoryData<string, string> BadClasses()
    {
        var tooMany = "[" + string.Join(",", Enumerable.Range(0, 101).Select(i => $"{{\"id\":\"c{i}\",\"label\":\"L{i}\"}}")) + "]";
        return new TheoryData<string, string>
        {
            { "null", "Missing 'classes'" },
            { "\"positive\"", "must be an array" },
            { "[]", "between 1 and 100" },
            { tooMany, "between 1 and 100 classes (got 101)" },
            { "[1]", "classes[0] must be an object" },
            { "[{\"label\":\"a\"}]", "classes[0].id must be a non-empty string" },
            { "[{\"id\":\"  \",\"label\":\"a\"}]", "classes[0].id must be a non-empty string" },
            { "[{\"id\":5,\"label\":\"a\"}]", "classes[0].id must be a non-empty string" },
            { "[{\"id\":\"a\"}]", "classes[0].label must be a string" },
            { "[{\"id\":\"a\",\"label\":\"x\"},{\"id\":\"A\",\"label\":\"y\"}]", "classes[1].id 'A' repeats classes[0].id" },
        };
    }

    [Theory]
    [MemberData(nameof(BadClasses))]
    public async Task Classification_BadClasses_Answers400WithoutCallingProvider(string classesJson, string expectedMessage)
    {
        fixture.Provider.ResetCounters();
        var json = $"{{\"model\":\"fake/fake-model\",\"user_prompt\":\"text\",\"classes\":{classesJson}}}";
        var response = await fixture.App.PostJsonAsync("/llm/classification", json);

        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.BadRequest, expectedMessage);
        Assert.Equal(0, fixture.Provider.TotalCount);
    }

    [Fact]
    public async Task Classification_MissingUserPrompt_Answers400()
    {
        var response = await fixture.App.PostAsync("/llm/classification", new { model = "fake/fake-model", classes = s_classes });

        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.BadRequest, "user_prompt");
    }
}
