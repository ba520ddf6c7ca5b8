using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansGateway.Telemetry;
using OrleansGateway.Tests.Batch;

namespace OrleansGateway.Tests.Telemetry;

/// <summary>A batch job's tasks call their provider under spans that name the job, at batch priority.</summary>
public sealed class BatchTaskTelemetryTests : IClassFixture<BatchGatewayFixture>, IDisposable
{
    private readonly BatchGatewayFixture _fixture;
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _ended = new();

    public BatchTaskTelemetryTests(BatchGatewayFixture fixture)
    {
        _fixture = fixture;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GatewayTelemetry.ActivitySourceName,
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

        var spans = _ended.Where(a => (string?)a.GetTagItem(GatewayTelemetry.BatchJobId) == jobId).ToList();
        Assert.Equal(3, spans.Count);
        Assert.All(spans, span =>
        {
            Assert.Equal("chat fake-model", span.DisplayName);
            Assert.Equal("batch", span.GetTagItem(GatewayTelemetry.Priority));
            Assert.Equal("fake", span.GetTagItem(GatewayTelemetry.ProviderName));
        });
    }
}
