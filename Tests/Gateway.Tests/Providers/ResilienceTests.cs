namespace OrleansGateway.Tests.Providers;

/// <summary>Retries, Retry-After, fallbacks and the circuit breaker, through the chat grain of a two-silo cluster under a fake clock.</summary>
[Collection(ProviderClusterCollection.Name)]
public sealed class ResilienceTests(ProviderClusterFixture fixture)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    private Task<ChatOutcome> Complete(string model, string text = "hi", params string[] fallbacks) =>
        fixture.Client.GetGrain<IChatGrain>(0).CompleteAsync(Guid.NewGuid(), new ChatRequest(model, [new ChatMessage("user", text)]) { Fallbacks = [.. fallbacks] });

    [Theory]
    [InlineData("20", 20)]
    [InlineData("3600", 30)] // capped at MaxRetryDelaySeconds
    public async Task Retry_ProviderSendsRetryAfterSeconds_WaitsThatLongHoldingNoSlot(string retryAfter, int expectedWaitSeconds)
    {
        fixture.Provider.ResetCounters();
        var calls = 0;
        fixture.Provider.Behavior = request => Interlocked.Increment(ref calls) == 1
            ? FakeReply.Error(429, "busy") with { Headers = new Dictionary<string, string> { ["Retry-After"] = retryAfter } }
            : FakeProviderServer.DefaultBehavior(request);

        var outcome = Complete("retry/m", "patience");
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1, "the first attempt");
        var status = await WaitForStatusAsync("retry", s => s.InFlight == 0 && s.RecentFailures >= 1);
        Assert.Equal(0, status.InFlight);

        fixture.Time.Advance(TimeSpan.FromSeconds(expectedWaitSeconds - 1));
        Assert.False(outcome.IsCompleted, $"the retry must wait {expectedWaitSeconds} s");
        Assert.Equal(1, Volatile.Read(ref calls));

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var result = await outcome.WaitAsync(s_wait);
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal("echo: patience", result.Result.Content);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Retry_ProviderSendsRetryAfterDate_WaitsUntilThatDate()
    {
        var calls = 0;
        var date = fixture.Time.GetUtcNow().AddSeconds(12).ToString("R");
        fixture.Provider.Behavior = request => Interlocked.Increment(ref calls) == 1
            ? FakeReply.Error(503, "maintenance") with { Headers = new Dictionary<string, string> { ["Retry-After"] = date } }
            : FakeProviderServer.DefaultBehavior(request);

        var outcome = Complete("retry/m", "dated");
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1, "the first attempt");
        await WaitForStatusAsync("retry", s => s.InFlight == 0);
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(outcome.IsCompleted, "the retry must wait until the Retry-After date");
        fixture.Time.Advance(TimeSpan.FromSeconds(3));
        var result = await outcome.WaitAsync(s_wait);
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Retry_ClientError_NotRetried()
    {
        var calls = 0;
        fixture.Provider.Behavior = _ => { Interlocked.Increment(ref calls); return FakeReply.Error(422, "bad schema"); };
        var result = await Complete("retry/m").WaitAsync(s_wait);
        Assert.False(result.Succeeded);
        Assert.Equal(GatewayErrorKind.ProviderRejected, result.Error.Kind);
        Assert.Equal(422, result.Error.UpstreamStatus);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Fallbacks_PrimaryFailsAfterRetries_TriedInOrderAndModelIsTheOneThatAnswered()
    {
        fixture.Provider.ResetCounters();
        fixture.Provider.Behavior = request => request.Model switch
        {
            "p-model" => FakeReply.Error(500, "primary down"),
            "s-model" => FakeReply.Error(502, "second down"),
            _ => FakeProviderServer.DefaultBehavior(request),
        };

        var result = await Complete("primary/p-model", "hello", "second/s-model", "third/t-model").WaitAsync(s_wait);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal("third/t-model", result.Result.Model);
        Assert.Equal(["p-model", "p-model", "s-model", "t-model"], fixture.Provider.Requests.Select(r => r.Model));
    }

    [Fact]
    public async Task Fallbacks_AllFail_ReportsTheLastError()
    {
        fixture.Provider.Behavior = _ => FakeReply.Error(503, "everything is down");
        var result = await Complete("second/a", "x", "third/b").WaitAsync(s_wait);
        Assert.False(result.Succeeded);
        Assert.Equal(GatewayErrorKind.Upstream, result.Error.Kind);
        Assert.Equal("third", result.Error.Provider);
    }

    [Fact]
    public async Task Circuit_OpensAfterFailures_FailsFastThenFallsBackThenClosesAfterTrial()
    {
        fixture.Provider.ResetCounters();
        var failing = true;
        fixture.Provider.Behavior = request => request.Model == "m" && Volatile.Read(ref failing)
            ? FakeReply.Error(500, "flaky")
            : FakeProviderServer.DefaultBehavior(request);

        // Two failures open the circuit (threshold 2); the configured fallback answers meanwhile.
        for (var i = 0; i < 2; i++)
        {
            var answered = await Complete("flaky/m", $"warm {i}").WaitAsync(s_wait);
            Assert.True(answered.Succeeded);
            Assert.Equal("third/backup", answered.Result.Model);
        }

        var status = await fixture.Client.GetGrain<IProviderGrain>("flaky").GetStatusAsync();
        Assert.Equal("open", status.CircuitState);
        var before = fixture.Provider.Requests.Count(r => r.Model == "m");
        Assert.Equal(2, before);

        // Open: the provider is not called; the request goes straight to its fallback.
        var skipped = await Complete("flaky/m", "skip").WaitAsync(s_wait);
        Assert.Equal("third/backup", skipped.Result?.Model);
        Assert.Equal(before, fixture.Provider.Requests.Count(r => r.Model == "m"));

        // Without a fallback the error is the open circuit (503 on /v1).
        var lease = await fixture.Client.GetGrain<IProviderGrain>("flaky").AcquireAsync(new LeaseRequest(RequestPriority.Interactive));
        Assert.False(lease.Granted);
        Assert.Equal(GatewayErrorKind.CircuitOpen, lease.Error.Kind);

        // After the cool-down one trial request goes through and, succeeding, closes the circuit.
        Volatile.Write(ref failing, false);
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        var trial = await Complete("flaky/m", "trial").WaitAsync(s_wait);
        Assert.True(trial.Succeeded, trial.Error?.Message);
        Assert.Equal("flaky/m", trial.Result.Model);
        await WaitForStatusAsync("flaky", s => s.CircuitState == "closed");
    }

    private async Task<ProviderStatus> WaitForStatusAsync(string provider, Func<ProviderStatus, bool> condition)
    {
        var grain = fixture.Client.GetGrain<IProviderGrain>(provider);
        var deadline = DateTime.UtcNow + s_wait;
        while (true)
        {
            var status = await grain.GetStatusAsync();
            if (condition(status))
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Provider {provider} never reached the expected state; last: {status}");
            }

            await Task.Delay(10);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) =>
        Eventually.UntilAsync(condition, what, s_wait);
}
