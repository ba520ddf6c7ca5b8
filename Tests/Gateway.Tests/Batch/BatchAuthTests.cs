namespace OrleansGateway.Tests.Batch;

public sealed class BatchAuthTests() : GatewayAppTest(new Dictionary<string, string?> { ["API_KEYS"] = "batch-key" })
{

    [Fact]
    public async Task Generate_WithoutApiKey_Returns401AndRecordsNothing()
    {
        var response = await App.PostAsync("/v1/batch/generate", new { model = "fake/fake-model", tasks = new[] { new { prompt = "hi" } } });

        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(0, Provider.TotalCount);
    }

    [Fact]
    public async Task Generate_WithApiKey_Accepted()
    {
        var response = await App.PostAsync("/v1/batch/generate", new { model = "fake/fake-model", tasks = new[] { new { prompt = "hi" } } },
            request => request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "batch-key"));

        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 with a valid key, got {(int)response.StatusCode}: {body}");
        Assert.Equal("queued", body.GetProperty("status").GetString());
    }
}
