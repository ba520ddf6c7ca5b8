using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansGateway.Telemetry;

/// <summary>
/// The gateway's instruments, on one <see cref="Meter"/> named <see cref="GatewayTelemetry.MeterName"/> made by the
/// host's <see cref="IMeterFactory"/> (so each host, and each test host, has its own). The GenAI client histograms
/// (<c>gen_ai.client.token.usage</c>, <c>gen_ai.client.operation.duration</c>,
/// <c>gen_ai.client.operation.time_to_first_chunk</c>), the slot wait, retries and fallbacks, and observable gauges
/// read from the provider grains active in this process (limit, slots in flight, queue depth, circuit state), and the batch
/// gauges read from the batch job grains active in this process (jobs by status, each job's tasks by state).
/// A measurement nobody listens to costs a check of <see cref="Instrument.Enabled"/>.
/// </summary>
public sealed class GatewayMetrics
{
    // The GenAI conventions' advised bucket boundaries.
    private static readonly double[] s_tokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] s_secondBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    // The status names as the gateway's batch API writes them, made once.
    private static readonly string[] s_statusNames = ["queued", "processing", "completed", "failed", "cancelled", "expired"];

    private readonly ConcurrentDictionary<string, Func<ProviderGaugeReading>> _providers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<BatchJobGaugeReading?>> _jobs = new(StringComparer.Ordinal);

    public GatewayMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(GatewayTelemetry.MeterName);
        TokenUsage = Meter.CreateHistogram<int>("gen_ai.client.token.usage", "{token}",
            "Tokens used per provider call, by gen_ai.token.type (input, output).", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [.. s_tokenBuckets.Select(b => (int)b)] });
        OperationDuration = Meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s",
            "Duration of each provider call attempt, from its slot to its answer (or failure).", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_secondBuckets });
        TimeToFirstChunk = Meter.CreateHistogram<double>("gen_ai.client.operation.time_to_first_chunk", "s",
            "Streams: time from the provider request to its first chunk.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_secondBuckets });
        SlotWait = Meter.CreateHistogram<double>("gateway.provider.slot.wait", "s",
            "Time an attempt waited for a provider slot (0 for a slot kept by its process).", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_secondBuckets });
        Retries = Meter.CreateCounter<long>("gateway.provider.retries", "{retry}", "Attempts retried after a retryable provider failure.");
        Fallbacks = Meter.CreateCounter<long>("gateway.provider.fallbacks", "{fallback}", "Candidates given up for the next one (a fallback taken).");
        Meter.CreateObservableGauge("gateway.provider.slots.limit", () => Read(r => r.Limit), "{slot}", "The provider's MaxConcurrency.");
        Meter.CreateObservableGauge("gateway.provider.slots.in_flight", () => Read(r => r.InFlight), "{slot}", "Provider slots held now, across the cluster.");
        Meter.CreateObservableGauge("gateway.provider.queue.depth", ReadQueues, "{request}", "Requests waiting for a provider slot, by gateway.priority.");
        Meter.CreateObservableGauge("gateway.provider.circuit.state", () => Read(r => (int)r.Circuit), null, "The provider's circuit: 0 closed, 1 open, 2 half-open.");
        Meter.CreateObservableGauge("gateway.batch.jobs", ReadJobs, "{job}",
            "Batch jobs whose grain is active in this process, by gateway.batch.status (a running job's grain always is).");
        Meter.CreateObservableGauge("gateway.batch.tasks", ReadTasks, "{task}",
            "Tasks of each batch job active in this process, by gateway.batch.job_id and gateway.batch.task.state (completed, failed, pending).");
    }

    /// <summary>The meter every instrument here is on.</summary>
    public Meter Meter { get; }

    public Histogram<int> TokenUsage { get; }

    public Histogram<double> OperationDuration { get; }

    public Histogram<double> TimeToFirstChunk { get; }

    public Histogram<double> SlotWait { get; }

    public Counter<long> Retries { get; }

    public Counter<long> Fallbacks { get; }

    /// <summary>
    /// Reports a provider grain activated in this process to the gauges until the returned handle is disposed;
    /// <paramref name="read"/> is called on the metrics reader's thread and must only read plain fields.
    /// </summary>
    public IDisposable TrackProvider(string provider, Func<ProviderGaugeReading> read)
    {
        _providers[provider] = read;
        return new Untrack(this, provider, read);
    }

    /// <summary>
    /// Reports a batch job activated in this process to the batch gauges until the returned handle is disposed;
    /// <paramref name="read"/> answers null while the job has no state, and must only read plain fields.
    /// </summary>
    public IDisposable TrackBatchJob(string jobId, Func<BatchJobGaugeReading?> read)
    {
        _jobs[jobId] = read;
        return new UntrackJob(this, jobId, read);
    }

    private IEnumerable<Measurement<int>> ReadJobs()
    {
        var counts = new int[s_statusNames.Length];
        foreach (var (_, read) in _jobs)
        {
            if (read() is { } reading && (uint)reading.Status < (uint)counts.Length)
            {
                counts[(int)reading.Status]++;
            }
        }

        for (var i = 0; i < counts.Length; i++)
        {
            yield return new Measurement<int>(counts[i], new KeyValuePair<string, object?>(GatewayTelemetry.BatchStatus, s_statusNames[i]));
        }
    }

    private IEnumerable<Measurement<int>> ReadTasks()
    {
        foreach (var (jobId, read) in _jobs)
        {
            if (read() is not { } reading)
            {
                continue;
            }

            var job = new KeyValuePair<string, object?>(GatewayTelemetry.BatchJobId, jobId);
            yield return new Measurement<int>(reading.Completed, job, new KeyValuePair<string, object?>(GatewayTelemetry.BatchTaskState, "completed"));
            yield return new Measurement<int>(reading.Failed, job, new KeyValuePair<string, object?>(GatewayTelemetry.BatchTaskState, "failed"));
            yield return new Measurement<int>(reading.Pending, job, new KeyValuePair<string, object?>(GatewayTelemetry.BatchTaskState, "pending"));
        }
    }

    private IEnumerable<Measurement<int>> Read(Func<ProviderGaugeReading, int> value)
    {
        foreach (var (provider, read) in _providers)
        {
            yield return new Measurement<int>(value(read()), new KeyValuePair<string, object?>(GatewayTelemetry.ProviderName, provider));
        }
    }

    private IEnumerable<Measurement<int>> ReadQueues()
    {
        foreach (var (provider, read) in _providers)
        {
            var reading = read();
            yield return new Measurement<int>(reading.QueuedInteractive,
                new KeyValuePair<string, object?>(GatewayTelemetry.ProviderName, provider), new KeyValuePair<string, object?>(GatewayTelemetry.Priority, "interactive"));
            yield return new Measurement<int>(reading.QueuedBatch,
                new KeyValuePair<string, object?>(GatewayTelemetry.ProviderName, provider), new KeyValuePair<string, object?>(GatewayTelemetry.Priority, "batch"));
        }
    }

    private sealed class UntrackJob(GatewayMetrics metrics, string jobId, Func<BatchJobGaugeReading?> read) : IDisposable
    {
        public void Dispose() => metrics._jobs.TryRemove(new KeyValuePair<string, Func<BatchJobGaugeReading?>>(jobId, read));
    }

    private sealed class Untrack(GatewayMetrics metrics, string provider, Func<ProviderGaugeReading> read) : IDisposable
    {
        public void Dispose() => metrics._providers.TryRemove(new KeyValuePair<string, Func<ProviderGaugeReading>>(provider, read));
    }
}
