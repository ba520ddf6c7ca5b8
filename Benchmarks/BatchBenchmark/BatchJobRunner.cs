using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OrleansGateway.Benchmarks.Batch;

/// <summary>Submits one job of prompt tasks over HTTP and polls its counters until it completes, timing every poll.</summary>
internal sealed class BatchJobRunner(GatewayProcess gateway, ServiceProcesses services)
{
    private readonly HttpClient _http = gateway.CreateClient(TimeSpan.FromMinutes(10));

    public async Task<JobRunResult> RunAsync(int tasks, TimeSpan pollInterval, TimeSpan timeout, bool streamResults)
    {
        var body = BuildBody(tasks);
        var cpuBefore = gateway.CpuTimes;
        var serviceCpuBefore = services.CpuTimes;
        var submitClock = Stopwatch.StartNew();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var submit = await _http.PostAsync("/v1/batch/generate", content);
        var submitted = await submit.Content.ReadAsStringAsync();
        var submission = submitClock.Elapsed;
        if (!submit.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Submission failed with {(int)submit.StatusCode}: {submitted}");
        }

        var jobId = JsonDocument.Parse(submitted).RootElement.GetProperty("job_id").GetString()!;
        var latencies = new List<double>();
        var deadline = submitClock.Elapsed + timeout;
        JsonElement job;
        while (true)
        {
            var pollClock = Stopwatch.StartNew();
            var text = await _http.GetStringAsync($"/v1/batch/{jobId}?include_results=false");
            var elapsed = pollClock.Elapsed.TotalMilliseconds;
            job = JsonDocument.Parse(text).RootElement;
            var status = job.GetProperty("status").GetString();
            gateway.SampleMemory();
            if (status is "completed" or "failed" or "cancelled")
            {
                break;
            }

            latencies.Add(elapsed);
            if (submitClock.Elapsed > deadline)
            {
                throw new TimeoutException($"Job {jobId} still {status} after {timeout}: {text}");
            }

            await Task.Delay(pollInterval);
        }

        var submitToCompleted = submitClock.Elapsed;
        // Per process and in total over the same interval, submission to completion (the results stream is not in it).
        IReadOnlyList<(string Name, TimeSpan Cpu)> cpuByProcess = [.. gateway.CpuTimes.Zip(cpuBefore, (after, before) => (after.Name, after.Cpu - before.Cpu))];
        var gatewayCpu = cpuByProcess.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Cpu);
        IReadOnlyList<(string Name, TimeSpan Cpu)> serviceCpu = [.. services.CpuTimes.Zip(serviceCpuBefore, (after, before) => (after.Name, after.Cpu - before.Cpu))];
        TimeSpan? startedToCompleted = job.GetProperty("started_at").ValueKind == JsonValueKind.Number
            ? TimeSpan.FromSeconds(job.GetProperty("completed_at").GetInt64() - job.GetProperty("started_at").GetInt64())
            : null;

        TimeSpan? streamTime = null;
        int? lines = null;
        if (streamResults)
        {
            var streamClock = Stopwatch.StartNew();
            await using var stream = await _http.GetStreamAsync($"/v1/batch/{jobId}/results");
            using var reader = new StreamReader(stream);
            var count = 0;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length > 0)
                {
                    count++;
                }
            }

            streamTime = streamClock.Elapsed;
            lines = count;
        }

        gateway.SampleMemory();
        return new JobRunResult(
            tasks, body.Length / (1024.0 * 1024.0), submission, submitToCompleted, startedToCompleted,
            job.GetProperty("completed_count").GetInt32(), job.GetProperty("failed_count").GetInt32(),
            LatencyStats.From(latencies), gateway.PeakWorkingSetBytes, streamTime, lines, gatewayCpu)
        {
            PeakWorkingSets = gateway.PeakWorkingSets,
            CpuByProcess = cpuByProcess,
            ServiceCpu = serviceCpu,
        };
    }

    private static byte[] BuildBody(int tasks)
    {
        var json = new StringBuilder(tasks * 64);
        json.Append("""{"model":"fake/fake-model","max_tokens":64,"tasks":[""");
        for (var i = 0; i < tasks; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append("{\"id\":\"t").Append(i).Append("\",\"prompt\":\"Summarize item number ").Append(i).Append(" in one line.\"}");
        }

        json.Append("]}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }
}
