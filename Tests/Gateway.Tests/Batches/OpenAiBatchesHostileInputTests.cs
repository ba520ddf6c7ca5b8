namespace OrleansGateway.Tests.Batches;

/// <summary>
/// Bad input to <c>/v1/batches</c>: a bad body is a 400 (or 404 for an unknown file) in OpenAI's error shape; bad
/// lines fail the batch in validation with one error per line (code, message, param, 1-based line), and nothing runs.
/// One gateway for the class: none of these requests reaches the provider, so they cannot disturb each other.
/// </summary>
public sealed class OpenAiBatchesHostileInputTests(OpenAiBatchesClassGateway gateway) : IClassFixture<OpenAiBatchesClassGateway>
{
    private readonly OpenAiBatchesFixture _gateway = gateway.Fixture;

    [Fact]
    public async Task Create_BadLines_FailedWithAnErrorPerLineAndNoProviderCall()
    {
        var good = OpenAiBatchesFixture.ChatLine("good", "fine");
        var fileId = await _gateway.UploadAsync([
            good,
            "{not json",
            OpenAiBatchesFixture.ChatLine("good", "again"),
            good.Replace("/v1/chat/completions", "/v1/embeddings", StringComparison.Ordinal).Replace("\"good\"", "\"wrong-url\"", StringComparison.Ordinal),
            "{\"custom_id\":\"lone\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fake/fake-model\",\"messages\":[{\"role\":\"user\",\"content\":\"\\ud800\"}]}}",
            OpenAiBatchesFixture.ChatLine("nowhere", "x", model: "nowhere/model"),
            "{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{}}",
            "{\"custom_id\":\"get\",\"method\":\"GET\",\"url\":\"/v1/chat/completions\",\"body\":{}}",
            "{\"custom_id\":\"no-messages\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fake/fake-model\"}}",
            "[1,2]"]);

        var (operation, batch) = await _gateway.CreateAsync(fileId);

        Assert.Equal("failed", batch.GetProperty("status").GetString());
        Assert.True(batch.GetProperty("failed_at").ValueKind == JsonValueKind.Number);
        Assert.Equal(JsonValueKind.Null, batch.GetProperty("output_file_id").ValueKind);
        var errors = batch.GetProperty("errors").GetProperty("data").EnumerateArray()
            .Select(e => (Line: e.GetProperty("line").GetInt32(), Code: e.GetProperty("code").GetString(), Message: e.GetProperty("message").GetString()!)).ToList();
        Assert.Equal(
            [(2, "invalid_json_line"), (3, "duplicate_custom_id"), (4, "invalid_url"), (5, "invalid_json_line"), (6, "model_not_found"), (7, "missing_custom_id"), (8, "invalid_method"), (9, "invalid_body"), (10, "invalid_json_line")],
            errors.Select(e => (e.Line, e.Code)));
        Assert.All(errors, e => Assert.StartsWith($"Line {e.Line}", e.Message));
        Assert.Contains("lone surrogate", errors[3].Message);
        Assert.Equal("failed", (await OpenAiBatchesFixture.ReadAsync(operation)).GetProperty("status").GetString());
        Assert.Equal(0, _gateway.Provider.TotalCount);
    }

    [Theory]
    [InlineData("{\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}", "input_file_id")]
    [InlineData("{\"input_file_id\":\"FILE\",\"endpoint\":\"/v1/completions\",\"completion_window\":\"24h\"}", "endpoint")]
    [InlineData("{\"input_file_id\":\"FILE\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"1h\"}", "completion_window")]
    [InlineData("{\"input_file_id\":\"FILE\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\",\"metadata\":{\"k\":1}}", "metadata")]
    [InlineData("{\"input_file_id\":\"FILE\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\",\"metadata\":\"x\"}", "metadata")]
    [InlineData("{\"input_file_id\":\"FILE\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\",\"metadata\":{\"k\":\"\\udc00\"}}", "metadata.k")]
    [InlineData("[]", null)]
    [InlineData("{oops", null)]
    public async Task Create_BadBody_Returns400NamingTheField(string body, string? param)
    {
        var fileId = await _gateway.UploadAsync([OpenAiBatchesFixture.ChatLine("a", "b")]);

        using var response = await _gateway.Http.PostAsync("/v1/batches", new StringContent(body.Replace("FILE", fileId, StringComparison.Ordinal), Encoding.UTF8, "application/json"));

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest, param ?? string.Empty);
        if (param is not null)
        {
            Assert.Equal(param, error.GetProperty("param").GetString());
        }

        Assert.Equal(0, _gateway.Provider.TotalCount);
    }

    [Fact]
    public async Task Create_SeventeenMetadataPairs_Returns400()
    {
        var fileId = await _gateway.UploadAsync([OpenAiBatchesFixture.ChatLine("a", "b")]);
        var metadata = Enumerable.Range(0, 17).ToDictionary(i => $"k{i}", i => "v");

        using var response = await _gateway.Http.PostAsync("/v1/batches", new StringContent(
            JsonSerializer.Serialize(new { input_file_id = fileId, endpoint = "/v1/chat/completions", completion_window = "24h", metadata }), Encoding.UTF8, "application/json"));

        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest, "at most 16 pairs");
    }

    [Fact]
    public async Task Create_UnknownFile_Returns404()
    {
        using var response = await _gateway.Http.PostAsync("/v1/batches", new StringContent(
            "{\"input_file_id\":\"file-nope\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}", Encoding.UTF8, "application/json"));

        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.NotFound, "file-nope");
    }

    [Fact]
    public async Task GetAndCancel_UnknownBatch_Return404()
    {
        using var get = await _gateway.Http.GetAsync("/v1/batches/batch_nope");
        using var cancel = await _gateway.Http.PostAsync("/v1/batches/batch_nope/cancel", null);

        await ErrorAssert.OpenAiErrorAsync(get, HttpStatusCode.NotFound, "batch_nope");
        await ErrorAssert.OpenAiErrorAsync(cancel, HttpStatusCode.NotFound, "batch_nope");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("x")]
    public async Task List_BadLimit_Returns400(string limit)
    {
        using var response = await _gateway.Http.GetAsync($"/v1/batches?limit={limit}");

        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest, "'limit'");
    }
}
