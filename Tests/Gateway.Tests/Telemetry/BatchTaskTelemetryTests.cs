using System.Diagnostics;
using OrleansGateway.Telemetry;
using OrleansGateway.Tests.Batch;

namespace OrleansGateway.Tests.Telemetry;

/// <summary>
/// A batch job's tasks each run under a span of their own, linked to the span of the request that submitted the job,
/// and call their provider under child spans that name the job, at batch priority.
/// </summary>
public sealed class BatchTaskTelemetryTests : IClassFixture<BatchGatewayFixture>, IDisposable
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private readonly BatchGatewayFixture _fixture;
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _ended = new();

    public BatchTaskTelemetryTests(BatchGatewayFixture fixture)
    {
        _fixture = fixture;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GatewayTelemetry.ActivitySourceName or AspNetCoreSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ended.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task BatchJob_EachTaskCallsUnderASpanNamingItsJob_AtBatchPriority()
    {
        var submitted = await _fixture.SubmitAsync(new { model = "fake/fake-model", tasks = new[] { new { prompt = "one" }, new { prompt = "two" }, new { prompt = "three" } } });
        var jobId = submitted.GetProperty("job_id").GetString()!;

        await _fixture.WaitForStatusAsync(jobId, "completed");

        var spans = ProviderCalls(jobId);
        Assert.Equal(3, spans.Count);
        Assert.All(spans, span =>
        {
            Assert.Equal("chat fake-model", span.DisplayName);
            Assert.Equal("batch", span.GetTagItem(GatewayTelemetry.Priority));
            Assert.Equal("fake", span.GetTagItem(GatewayTelemetry.ProviderName));
        });
    }

    [Fact]
    public async Task BatchJob_EachTaskSpan_LinksToTheSubmittingRequestsSpan_AndParentsItsProviderCall()
    {
        // The client's trace: ASP.NET Core's request span is its child, and the job's task spans link to that span.
        var clientTrace = ActivityTraceId.CreateRandom();
        var clientSpan = ActivitySpanId.CreateRandom();
        var response = await _fixture.App.PostAsync(
            "/v1/batch/generate",
            new { model = "fake/fake-model", tasks = new[] { new { prompt = "link one" }, new { prompt = "link two" } } },
            request => request.Headers.Add("traceparent", $"00-{clientTrace.ToHexString()}-{clientSpan.ToHexString()}-01"));
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"the job was accepted: {body}");
        var jobId = body.GetProperty("job_id").GetString()!;

        await _fixture.WaitForStatusAsync(jobId, "completed");

        var submitRequest = Assert.Single(_ended, a => a.Source.Name == AspNetCoreSource && a.TraceId == clientTrace);
        Assert.Equal(clientSpan, submitRequest.ParentSpanId);
        var tasks = _ended.Where(a => a.DisplayName == BatchTaskTelemetry.SpanName && (string?)a.GetTagItem(GatewayTelemetry.BatchJobId) == jobId).ToList();
        Assert.Equal([0, 1], tasks.Select(t => (int)t.GetTagItem(GatewayTelemetry.BatchTaskIndex)!).Order());
        var calls = ProviderCalls(jobId);
        Assert.Equal(2, calls.Count);
        Assert.All(tasks, task =>
        {
            var link = Assert.Single(task.Links);
            Assert.Equal(submitRequest.TraceId, link.Context.TraceId);
            Assert.Equal(submitRequest.SpanId, link.Context.SpanId);
            Assert.Single(calls, call => call.ParentSpanId == task.SpanId && call.TraceId == task.TraceId);
        });
    }

    private List<Activity> ProviderCalls(string jobId) =>
        _ended.Where(a => a.DisplayName.StartsWith("chat ", StringComparison.Ordinal) && (string?)a.GetTagItem(GatewayTelemetry.BatchJobId) == jobId).ToList();
}
