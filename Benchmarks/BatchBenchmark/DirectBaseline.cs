using System.Diagnostics;
using System.Text;

namespace OrleansGateway.Benchmarks.Batch;

/// <summary>
/// The provider's own pace: the same number of chat calls a job makes, sent straight to the fake provider by
/// <c>concurrency</c> callers at once (what a gateway at that limit could at best achieve), timed from the first call to
/// the last answer. The provider's delay is a timer, and answering 32 callers at once costs it CPU too, so its real pace
/// is below the nominal tasks × latency / concurrency; a job's ratio to this baseline is the gateway's own share.
/// </summary>
internal static class DirectBaseline
{
    public static async Task<TimeSpan> RunAsync(string providerBaseUrl, int calls, int concurrency)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { Timeout = TimeSpan.FromMinutes(1) };
        var url = providerBaseUrl.TrimEnd('/') + "/chat/completions";
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < calls)
            {
                using var content = new StringContent(
                    $"{{\"model\":\"fake-model\",\"max_tokens\":64,\"messages\":[{{\"role\":\"user\",\"content\":\"Summarize item number {i} in one line.\"}}]}}",
                    Encoding.UTF8, "application/json");
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
                request.Headers.Authorization = new("Bearer", "fake-key");
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }
        }));
        return clock.Elapsed;
    }
}
