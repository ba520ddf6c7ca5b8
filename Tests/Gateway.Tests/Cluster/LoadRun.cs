using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace OrleansGateway.Tests.Cluster;

/// <summary>Keeps a few requests going through every frontend and records when each started and ended, and how.</summary>
public sealed class LoadRun
{
    private readonly ConcurrentQueue<Outcome> _outcomes = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Time since the run started.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyCollection<Outcome> Outcomes => _outcomes;

    /// <summary>Runs <paramref name="workersPerFrontend"/> request loops against each frontend until <paramref name="stop"/>.</summary>
    public Task RunAsync(ClusterFixture cluster, int workersPerFrontend, CancellationToken stop)
    {
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
        return Task.WhenAll(workers);
    }

    /// <summary>One request: through which frontend, when it started and ended, and its error (null when it succeeded).</summary>
    public sealed record Outcome(string Frontend, TimeSpan Started, TimeSpan Ended, string? Error)
    {
        public bool Succeeded => Error is null;
    }
}
