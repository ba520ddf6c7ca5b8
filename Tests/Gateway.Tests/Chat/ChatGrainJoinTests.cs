using OrleansGateway.Cluster;

namespace OrleansGateway.Tests.Chat;

/// <summary>
/// A chat call repeated with its call id (as the frontend repeats a call lost with a silo's client gateway) joins
/// the run going on its grain: the provider is called once. Two-silo test cluster, real fake provider on loopback.
/// </summary>
[Collection(ProviderClusterCollection.Name)]
public sealed class ChatGrainJoinTests(ProviderClusterFixture fixture)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    private int CallsFor(string text, ref int counter, FakeRequest request)
    {
        if (request.LastUserMessage == text)
        {
            Interlocked.Increment(ref counter);
        }

        return counter;
    }

    [Fact]
    public async Task CompleteAsync_RepeatedWithTheSameCallIdWhileRunning_CallsTheProviderOnce()
    {
        var text = "join " + Guid.NewGuid();
        var calls = 0;
        fixture.Provider.Behavior = r => FakeReply.Text(CallsFor(text, ref calls, r) > 0 ? "answer to " + r.LastUserMessage : "?") with { Delay = TimeSpan.FromMilliseconds(500) };
        var request = new ChatRequest("join/m", [new ChatMessage("user", text)]);
        var callId = Guid.NewGuid();
        var factories = fixture.SiloGrainFactories();

        // The repeat starts on the other silo, as a frontend's repeat goes through another client gateway.
        var first = factories[0].GetGrain<IChatGrain>(7).CompleteAsync(callId, request);
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1);
        var repeat = factories[1].GetGrain<IChatGrain>(7).CompleteAsync(callId, request);

        var outcomes = await Task.WhenAll(first, repeat).WaitAsync(s_wait);
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));
        Assert.Equal(outcomes[0].Result!.Content, outcomes[1].Result!.Content);
        Assert.Equal(1, Volatile.Read(ref calls));

        var fresh = await factories[1].GetGrain<IChatGrain>(7).CompleteAsync(Guid.NewGuid(), request).WaitAsync(s_wait);
        Assert.True(fresh.Succeeded, fresh.Error?.Message);
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task CompleteAsync_RepeatedAfterTheRunEnded_WhileASiloLeftLately_GetsTheSameAnswerWithoutACall()
    {
        foreach (var silo in fixture.Cluster.Silos)
        {
            fixture.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<SiloDepartures>().Record();
        }

        var text = "kept " + Guid.NewGuid();
        var calls = 0;
        fixture.Provider.Behavior = r => FakeReply.Text("answer " + CallsFor(text, ref calls, r));
        var request = new ChatRequest("join/m", [new ChatMessage("user", text)]);
        var callId = Guid.NewGuid();

        var first = await fixture.Client.GetGrain<IChatGrain>(11).CompleteAsync(callId, request).WaitAsync(s_wait);
        var repeat = await fixture.Client.GetGrain<IChatGrain>(11).CompleteAsync(callId, request).WaitAsync(s_wait);

        Assert.True(first.Succeeded, first.Error?.Message);
        Assert.Equal(first.Result!.Content, repeat.Result!.Content);
        Assert.Equal(1, Volatile.Read(ref calls));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + s_wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "The provider was not called in time.");
            await Task.Delay(20);
        }
    }
}
