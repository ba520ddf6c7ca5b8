using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansGateway.Embeddings;
using OrleansGateway.Streaming;
using OrleansGateway.Telemetry;

namespace OrleansGateway.Tests.Telemetry;

/// <summary>
/// The grain-side telemetry against the fake provider, seen through an in-process <see cref="ActivityListener"/>
/// and <see cref="MeterListener"/>: the provider-call spans of the GenAI conventions (one per attempt, so a retry
/// and a fallback show as attempts of their own), the token and duration histograms, the stream's time to first
/// chunk, and the provider grain's gauges. Each test calls the executors of one silo directly, under a parent span
/// of its own, and keeps only that trace's spans and that silo's meter.
/// </summary>
[Collection(ProviderClusterCollection.Name)]
public sealed class ProviderTelemetryTests : IDisposable
{
    private static readonly ActivitySource s_tests = new("OrleansGateway.Tests.Telemetry");
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private readonly ProviderClusterFixture _fixture;
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly HashSet<Meter> _siloMeters;

    public ProviderTelemetryTests(ProviderClusterFixture fixture)
    {
        _fixture = fixture;
        fixture.Provider.Behavior = FakeProviderServer.DefaultBehavior;
        _siloMeters = [.. fixture.Cluster.Silos.Select(s => fixture.Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<GatewayMetrics>().Meter)];
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GatewayTelemetry.ActivitySourceName or "OrleansGateway.Tests.Telemetry",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ended.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (_siloMeters.Contains(instrument.Meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    private IServiceProvider Silo => _fixture.Cluster.GetSiloServiceProvider(_fixture.Cluster.Silos[0].SiloAddress);

    private Meter SiloMeter => Silo.GetRequiredService<GatewayMetrics>().Meter;

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task Completion_OneClientSpanWithTheGenAiAttributes_AndTokenHistogramsOfItsUsage()
    {
        using var parent = s_tests.StartActivity("test")!;

        var outcome = await Silo.GetRequiredService<ChatExecutor>()
            .CompleteAsync(new ChatRequest("limit/m", [new ChatMessage("user", "count these five words")]), CancellationToken.None).WaitAsync(s_wait);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var span = Assert.Single(Spans(parent));
        Assert.Equal("chat m", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
        Assert.Equal("chat", span.GetTagItem(GatewayTelemetry.OperationName));
        Assert.Equal("limit", span.GetTagItem(GatewayTelemetry.ProviderName));
        Assert.Equal("m", span.GetTagItem(GatewayTelemetry.RequestModel));
        Assert.Equal("m", span.GetTagItem(GatewayTelemetry.ResponseModel));
        Assert.Equal("limit/m", span.GetTagItem(GatewayTelemetry.RequestedModel));
        Assert.Equal(outcome.Result.Usage.PromptTokens, span.GetTagItem(GatewayTelemetry.InputTokens));
        Assert.Equal(outcome.Result.Usage.CompletionTokens, span.GetTagItem(GatewayTelemetry.OutputTokens));
        Assert.Equal(new[] { "stop" }, span.GetTagItem(GatewayTelemetry.FinishReasons));
        Assert.Equal(outcome.Result.Id, span.GetTagItem(GatewayTelemetry.ResponseId));
        Assert.Equal(1, span.GetTagItem(GatewayTelemetry.Attempt));
        Assert.Equal(0, span.GetTagItem(GatewayTelemetry.Candidate));
        Assert.IsType<double>(span.GetTagItem(GatewayTelemetry.SlotWait));
        Assert.Null(span.GetTagItem(GatewayTelemetry.ErrorType));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        Assert.True(outcome.Result.Usage.PromptTokens > 0 && outcome.Result.Usage.CompletionTokens > 0, "the fake provider reports usage");
        var tokens = Measurements("gen_ai.client.token.usage", "limit");
        Assert.Equal(2, tokens.Count);
        Assert.Equal(outcome.Result.Usage.PromptTokens, Assert.Single(tokens, t => (string?)t.Tags[GatewayTelemetry.TokenType] == "input").Value);
        Assert.Equal(outcome.Result.Usage.CompletionTokens, Assert.Single(tokens, t => (string?)t.Tags[GatewayTelemetry.TokenType] == "output").Value);
        Assert.All(tokens, t => Assert.Equal("m", t.Tags[GatewayTelemetry.ResponseModel]));
        var duration = Assert.Single(Measurements("gen_ai.client.operation.duration", "limit"));
        Assert.Equal("chat", duration.Tags[GatewayTelemetry.OperationName]);
        Assert.False(duration.Tags.ContainsKey(GatewayTelemetry.ErrorType));
        Assert.Single(Measurements("gateway.provider.slot.wait", "limit"));
    }

    [Fact]
    public async Task Completion_PrimaryFailsThenFallbackAnswers_TwoAttemptSpans_AndAFallbackCounted()
    {
        _fixture.Provider.Behavior = request => request.Model == "s-model" ? FakeReply.Error(502, "second down") : FakeProviderServer.DefaultBehavior(request);
        using var parent = s_tests.StartActivity("test")!;

        var outcome = await Silo.GetRequiredService<ChatExecutor>().CompleteAsync(
            new ChatRequest("second/s-model", [new ChatMessage("user", "fall back")]) { Fallbacks = ["third/t-model"] }, CancellationToken.None).WaitAsync(s_wait);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var spans = Spans(parent);
        Assert.Equal(["chat s-model", "chat t-model"], spans.Select(s => s.DisplayName));
        var (failed, answered) = (spans[0], spans[1]);
        Assert.Equal("502", failed.GetTagItem(GatewayTelemetry.ErrorType));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal("second", failed.GetTagItem(GatewayTelemetry.ProviderName));
        Assert.Equal(0, failed.GetTagItem(GatewayTelemetry.Candidate));
        Assert.Equal("third", answered.GetTagItem(GatewayTelemetry.ProviderName));
        Assert.Equal(1, answered.GetTagItem(GatewayTelemetry.Candidate));
        Assert.Equal("second/s-model", answered.GetTagItem(GatewayTelemetry.RequestedModel));
        Assert.Null(answered.GetTagItem(GatewayTelemetry.ErrorType));
        Assert.Equal("502", Assert.Single(Measurements("gen_ai.client.operation.duration", "second")).Tags[GatewayTelemetry.ErrorType]);
        Assert.Equal(1, Assert.Single(Measurements("gateway.provider.fallbacks", "third")).Value);
        Assert.Equal(2, Measurements("gen_ai.client.token.usage", "third").Count);
        Assert.Empty(Measurements("gen_ai.client.token.usage", "second"));
    }

    [Fact]
    public async Task Completion_RetriedAfterAFailure_EachAttemptASpan_AndARetryCounted()
    {
        var calls = 0;
        _fixture.Provider.Behavior = request => request.Model == "p-model" && Interlocked.Increment(ref calls) == 1
            ? FakeReply.Error(500, "once")
            : FakeProviderServer.DefaultBehavior(request);
        using var parent = s_tests.StartActivity("test")!;

        var outcome = await Silo.GetRequiredService<ChatExecutor>().CompleteAsync(
            new ChatRequest("primary/p-model", [new ChatMessage("user", "again")]), CancellationToken.None).WaitAsync(s_wait);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var spans = Spans(parent);
        Assert.Equal([1, 2], spans.Select(s => (int)s.GetTagItem(GatewayTelemetry.Attempt)!));
        Assert.Equal(["500", null], spans.Select(s => (string?)s.GetTagItem(GatewayTelemetry.ErrorType)));
        var retry = Assert.Single(Measurements("gateway.provider.retries", "primary"));
        Assert.Equal(1, retry.Value);
        Assert.Equal("500", retry.Tags[GatewayTelemetry.ErrorType]);
    }

    [Fact]
    public async Task Stream_SpanCoversTheStream_WithTimeToFirstChunkAndUsage()
    {
        using var parent = s_tests.StartActivity("test")!;
        var events = new List<ChatStreamEvent>();
        await foreach (var item in Silo.GetRequiredService<ChatStreamExecutor>().StreamAsync(new ChatRequest("limit/m", [new ChatMessage("user", "stream these words")])))
        {
            events.Add(item);
        }

        var completed = events[^1];
        Assert.Equal(ChatStreamEventKind.Completed, completed.Kind);
        var span = Assert.Single(Spans(parent));
        Assert.Equal("chat m", span.DisplayName);
        Assert.Equal(true, span.GetTagItem(GatewayTelemetry.Streamed));
        Assert.IsType<double>(span.GetTagItem(GatewayTelemetry.TimeToFirstChunk));
        Assert.Equal(completed.Usage!.CompletionTokens, span.GetTagItem(GatewayTelemetry.OutputTokens));
        Assert.Single(Measurements("gen_ai.client.operation.time_to_first_chunk", "limit"));
        Assert.Equal(completed.Usage.PromptTokens, Assert.Single(Measurements("gen_ai.client.token.usage", "limit"), t => (string?)t.Tags[GatewayTelemetry.TokenType] == "input").Value);
    }

    [Fact]
    public async Task Embeddings_SpanNamedForTheOperation_InputTokensOnly()
    {
        using var parent = s_tests.StartActivity("test")!;
        var request = new EmbeddingRequest("limit/e", [new PassThroughField("input", "\"three small words\"")]);

        var outcome = await Silo.GetRequiredService<EmbeddingExecutor>().EmbedAsync(request, CancellationToken.None).WaitAsync(s_wait);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        var span = Assert.Single(Spans(parent));
        Assert.Equal("embeddings e", span.DisplayName);
        Assert.Equal("embeddings", span.GetTagItem(GatewayTelemetry.OperationName));
        var input = Assert.Single(Measurements("gen_ai.client.token.usage", "limit"));
        Assert.Equal("input", input.Tags[GatewayTelemetry.TokenType]);
        Assert.Equal(span.GetTagItem(GatewayTelemetry.InputTokens), (int)input.Value);
        Assert.Null(span.GetTagItem(GatewayTelemetry.OutputTokens));
    }

    [Fact]
    public async Task ProviderGauges_ReportLimitSlotsInFlightAndQueueDepth()
    {
        var grain = _fixture.Client.GetGrain<IProviderGrain>("queue");
        var holder = await grain.AcquireAsync(new LeaseRequest(RequestPriority.Interactive, Guid.NewGuid()));
        var waiter = grain.AcquireAsync(new LeaseRequest(RequestPriority.Interactive, Guid.NewGuid()));
        await Eventually.UntilAsync(async () => (await grain.GetStatusAsync()).QueuedInteractive == 1, "the second caller to queue", s_wait);

        _meters.RecordObservableInstruments();

        Assert.Equal(1, GaugeSum("gateway.provider.slots.limit", "queue"));
        Assert.Equal(1, GaugeSum("gateway.provider.slots.in_flight", "queue"));
        Assert.Equal(1, GaugeSum("gateway.provider.queue.depth", "queue", ("gateway.priority", "interactive")));
        Assert.Equal(0, GaugeSum("gateway.provider.queue.depth", "queue", ("gateway.priority", "batch")));
        Assert.Equal((int)CircuitState.Closed, GaugeSum("gateway.provider.circuit.state", "queue"));

        await grain.ReleaseAsync(holder.LeaseId, CallOutcome.Success);
        var granted = await waiter.WaitAsync(s_wait);
        await grain.ReleaseAsync(granted.LeaseId, CallOutcome.Success);
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>();
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue;
        }

        _measurements.Enqueue((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
    }

    /// <summary>The gateway's spans of the test's trace, in the order they started.</summary>
    private List<Activity> Spans(Activity parent) =>
        [.. _ended.Where(a => a.Source.Name == GatewayTelemetry.ActivitySourceName && a.TraceId == parent.TraceId).OrderBy(a => a.StartTimeUtc)];

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurements(string instrument, string provider) =>
        [.. _measurements.Where(m => m.Instrument == instrument && (string?)m.Tags.GetValueOrDefault(GatewayTelemetry.ProviderName) == provider)];

    private double GaugeSum(string instrument, string provider, params (string Key, string Value)[] tags) =>
        Measurements(instrument, provider).Where(m => tags.All(t => (string?)m.Tags.GetValueOrDefault(t.Key) == t.Value)).Sum(m => m.Value);
}
