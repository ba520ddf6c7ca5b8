namespace OrleansGateway.Tests.OpenAi;

public sealed class QueueLimitTests() : GatewayAppTest(new Dictionary<string, string?>
{
    ["Gateway:Providers:fake:MaxConcurrency"] = "1",
    ["Gateway:Providers:fake:MaxQueue"] = "0",
})
{

    [Fact]
    public async Task ChatCompletions_LimitAndQueueFull_Returns429WithRetryAfterOnBothSurfaces()
    {
        var release = new TaskCompletionSource();
        Provider.Behavior = request =>
        {
            release.Task.Wait(TimeSpan.FromSeconds(20));
            return FakeProviderServer.DefaultBehavior(request);
        };
        var first = App.PostAsync("/v1/chat/completions", new { model = "fake/fake-model", messages = new[] { new { role = "user", content = "first" } } });
        await Eventually.UntilAsync(() => Provider.InFlight > 0, "the first request to reach the provider", TimeSpan.FromSeconds(10));

        Assert.Equal(1, Provider.InFlight);
        var v1 = await App.PostAsync("/v1/chat/completions", new { model = "fake/fake-model", messages = new[] { new { role = "user", content = "second" } } });
        var error = await ErrorAssert.OpenAiErrorAsync(v1, HttpStatusCode.TooManyRequests, "queue is full", "rate_limit_error");
        Assert.Equal("gateway_queue_full", error.GetProperty("code").GetString());
        Assert.True(v1.Headers.RetryAfter is not null, "a 429 carries Retry-After");

        var llm = await App.PostAsync("/llm/generation", new { model = "fake/fake-model", user_prompt = "third" });
        await ErrorAssert.LlmErrorAsync(llm, HttpStatusCode.TooManyRequests, "queue is full");

        release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(1, Provider.PeakInFlight);
    }
}
