using System.Diagnostics;

namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// Keeps a few requests going through every frontend (completions, and optionally streams) and records when
/// each started and ended, and how.
/// </summary>
public sealed class LoadRun
{
    private readonly ConcurrentQueue<Outcome> _outcomes = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Time since the run started.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyCollection<Outcome> Outcomes => _outcomes;

    /// <summary>Waits until <paramref name="count"/> requests succeeded, or <paramref name="timeout"/> passed (the caller asserts on what came).</summary>
    public async Task WaitForSuccessesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_outcomes.Count(o => o.Succeeded) < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Runs <paramref name="workersPerFrontend"/> completion loops and <paramref name="streamWorkersPerFrontend"/>
    /// stream loops against each frontend until <paramref name="stop"/>.
    /// </summary>
    public Task RunAsync(ClusterFixture cluster, int workersPerFrontend, CancellationToken stop, int streamWorkersPerFrontend = 0)
    {
        var streams = cluster.Frontends.SelectMany(frontend => Enumerable.Range(0, streamWorkersPerFrontend).Select(i => Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var started = Now;
                var error = await StreamAsync(cluster, frontend, $"{frontend.Name} stream {i} request {n++}");
                _outcomes.Enqueue(new Outcome(frontend.Name, started, Now, error, Stream: true));
            }
        })));
        var workers = cluster.Frontends.SelectMany(frontend => Enumerable.Range(0, workersPerFrontend).Select(i => Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var started = Now;
                string? error = null;
                try
                {
                    using var response = await cluster.GenerateAsync(frontend, $"{frontend.Name} worker {i} request {n++}");
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        error = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    error = exception.GetType().Name + ": " + exception.Message;
                }

                _outcomes.Enqueue(new Outcome(frontend.Name, started, Now, error));
            }
        })));
        return Task.WhenAll(workers.Concat(streams));
    }

    /// <summary>
    /// One streamed <c>/v1/chat/completions</c> read to its end; null when it ended with <c>[DONE]</c> and no
    /// error event, otherwise what went wrong (a 200 whose stream carries an error is a stream cut after its first byte).
    /// </summary>
    private static async Task<string?> StreamAsync(ClusterFixture cluster, HostProcess frontend, string userPrompt)
    {
        var json = JsonSerializer.Serialize(new { model = "fake/fake-model", stream = true, messages = new[] { new { role = "user", content = userPrompt } } });
        using var request = new HttpRequestMessage(HttpMethod.Post, frontend.BaseUrl + "/v1/chat/completions")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixture.SecretToken);
        try
        {
            using var response = await cluster.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"stream {(int)response.StatusCode} {body}";
            }

            return body.Contains("\"error\"", StringComparison.Ordinal) || !body.Contains("data: [DONE]", StringComparison.Ordinal)
                ? "stream cut after its first byte: " + body[Math.Max(0, body.Length - 300)..]
                : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            return "stream " + exception.GetType().Name + ": " + exception.Message;
        }
    }

    /// <summary>One request: through which frontend, when it started and ended, its error (null when it succeeded), whether it streamed.</summary>
    public sealed record Outcome(string Frontend, TimeSpan Started, TimeSpan Ended, string? Error, bool Stream = false)
    {
        public bool Succeeded => Error is null;

        public TimeSpan Duration => Ended - Started;
    }
}
