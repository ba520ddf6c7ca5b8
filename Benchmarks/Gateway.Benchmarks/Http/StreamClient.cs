using System.Diagnostics;
using System.Net;
using System.Text;

namespace OrleansGateway.Benchmarks.Http;

/// <summary>A streaming (SSE) client that times the first content token of <c>stream: true</c> completions.</summary>
public static class StreamClient
{
    public static HttpClient Create(int maxConnections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = TimeSpan.FromSeconds(120) };

    /// <summary>
    /// Sends one streamed request and reads it to the end. The first token is the first <c>data:</c>
    /// event whose delta has non-empty content; <paramref name="onFirstToken"/> runs then.
    /// </summary>
    public static async Task<StreamSample> RunOneAsync(HttpClient http, string url, string body, Action? onFirstToken = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            if (status != 200)
            {
                await response.Content.ReadAsStringAsync(cancellationToken);
                return new StreamSample(status, double.NaN, Stopwatch.GetElapsedTime(started).TotalMilliseconds, false);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var firstToken = double.NaN;
            var done = false;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    continue;
                }

                if (line.AsSpan(5).Trim().SequenceEqual("[DONE]"))
                {
                    done = true;
                    break;
                }

                if (double.IsNaN(firstToken) && HasContent(line))
                {
                    firstToken = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    onFirstToken?.Invoke();
                }
            }

            return new StreamSample(status, firstToken, Stopwatch.GetElapsedTime(started).TotalMilliseconds, done);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or TaskCanceledException)
        {
            return new StreamSample(0, double.NaN, Stopwatch.GetElapsedTime(started).TotalMilliseconds, false);
        }
    }

    private static bool HasContent(string line)
    {
        const string marker = "\"content\":\"";
        var index = line.IndexOf(marker, StringComparison.Ordinal);
        return index >= 0 && index + marker.Length < line.Length && line[index + marker.Length] != '"';
    }
}
