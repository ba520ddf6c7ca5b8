using Xunit.Abstractions;

namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// The gateway's own batch API (<c>/v1/batch</c>) on the cluster's frontends, with the cluster's key, for the
/// cluster tests: submit a job, read it, wait for a condition on it, read its results. Reads that fail are
/// written to the test's output (a frontend may be restarting) and polled again.
/// </summary>
public sealed class ClusterBatchApi(ClusterFixture cluster, ITestOutputHelper output)
{
    /// <summary>A request with the cluster's key.</summary>
    public static HttpRequestMessage Authorized(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixture.SecretToken);
        return request;
    }

    /// <summary>Submits a job of <c>fake/fake-model</c> with <paramref name="tasks"/>, asserting 200; returns the answer.</summary>
    public async Task<JsonElement> SubmitAsync(HostProcess frontend, IEnumerable<object> tasks)
    {
        var body = JsonSerializer.Serialize(new { model = "fake/fake-model", tasks });
        using var request = Authorized(HttpMethod.Post, frontend.BaseUrl + "/v1/batch/generate");
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await cluster.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{frontend.Name}: POST /v1/batch/generate ({body.Length} bytes) answered {(int)response.StatusCode}: {text}\n{cluster.Tails()}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The job's document, or null when it does not answer 200.</summary>
    public async Task<JsonElement?> GetAsync(HostProcess frontend, string jobId, bool includeResults)
    {
        using var request = Authorized(HttpMethod.Get, $"{frontend.BaseUrl}/v1/batch/{jobId}?include_results={(includeResults ? "true" : "false")}");
        using var response = await cluster.Http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            output.WriteLine($"{frontend.Name}: GET /v1/batch/{jobId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return null;
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Polls the job (without results, every <paramref name="poll"/>) until <paramref name="condition"/> holds, failing after <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitForAsync(HostProcess frontend, string jobId, TimeSpan timeout, Func<JsonElement, bool> condition, string what, TimeSpan poll)
    {
        JsonElement? last = null;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await GetAsync(frontend, jobId, includeResults: false) ?? last;
            }
            catch (HttpRequestException exception)
            {
                output.WriteLine($"{frontend.Name}: GET /v1/batch/{jobId} failed: {exception.Message}");
            }

            if (last is { } job && condition(job))
            {
                return job;
            }

            await Task.Delay(poll);
        }

        throw new Xunit.Sdk.XunitException($"Job {jobId} was not {what} within {timeout.TotalSeconds} s; last: {last}\n{cluster.Tails()}");
    }

    /// <summary>The body of <c>GET /v1/batch/{id}/results</c>, asserting 200.</summary>
    public async Task<string> ResultsTextAsync(HostProcess frontend, string jobId)
    {
        using var request = Authorized(HttpMethod.Get, $"{frontend.BaseUrl}/v1/batch/{jobId}/results");
        using var response = await cluster.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{frontend.Name}: GET /v1/batch/{jobId}/results answered {(int)response.StatusCode}: {text[..Math.Min(500, text.Length)]}");
        return text;
    }
}
