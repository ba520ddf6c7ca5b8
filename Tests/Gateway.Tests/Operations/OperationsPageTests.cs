using System.Text.RegularExpressions;
using OrleansGateway.Tests.Cluster;
using Xunit.Abstractions;

namespace OrleansGateway.Tests.Operations;

/// <summary>The operations page (issue 18): its status JSON, and the page itself rendered in headless Chromium.</summary>
public sealed partial class OperationsPageTests(KestrelGatewayFixture fixture, ITestOutputHelper output) : KestrelGatewayTest(fixture, s_settings)
{
    /// <summary>An open gateway whose <c>fake</c> provider takes two calls at a time, so a batch moves visibly.</summary>
    private const int ProviderLimit = 2;

    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["Gateway:Providers:fake:MaxConcurrency"] = ProviderLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Cancels the batches this test submitted, so none is still running when the class Fixture's gateway stops
    /// (a batch running at the embedded gateway's stop can hold its silo's deactivation up to the shutdown timeout).
    /// </summary>
    public override async Task DisposeAsync()
    {
        using var client = Fixture.CreateClient();
        foreach (var job in _jobs)
        {
            using var cancelled = await client.PostAsync($"v1/batch/{job}/cancel", content: null);
        }
    }

    private readonly List<string> _jobs = [];

    [Fact]
    public async Task Status_WithARunningBatch_ListsTheProviderAndTheJobNewestFirst()
    {
        Fixture.Provider.Behavior = r => FakeReply.Text("done: " + r.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(100) };
        using var client = Fixture.CreateClient();
        var older = await SubmitBatchAsync(client, tasks: 2);
        var newer = await SubmitBatchAsync(client, tasks: 4);

        using var response = await client.GetAsync("operations/status");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("frontend", root.GetProperty("host").GetString());
        var fake = root.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "fake");
        Assert.Equal(ProviderLimit, fake.GetProperty("limit").GetInt32());
        Assert.Equal("Closed", fake.GetProperty("circuit").GetString(), ignoreCase: true);
        var ids = root.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()).ToList();
        Assert.True(ids.IndexOf(newer) >= 0 && ids.IndexOf(newer) < ids.IndexOf(older), $"jobs newest first: expected {newer} before {older} in [{string.Join(", ", ids)}]");
        var job = root.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("id").GetString() == newer);
        Assert.Equal(4, job.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Page_ServedWithItsAssets_ReferencesThemUnderItsPrefix()
    {
        using var client = Fixture.CreateClient();
        foreach (var path in new[] { "operations", "operations/" })
        {
            using var page = await client.GetAsync(path);
            var html = await page.Content.ReadAsStringAsync();
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{path}: {(int)page.StatusCode} {html}");
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("href=\"/operations/operations.css\"", html, StringComparison.Ordinal);
            Assert.Contains("src=\"/operations/operations.js\"", html, StringComparison.Ordinal);
            Assert.Contains("data-status=\"/operations/status\"", html, StringComparison.Ordinal);
        }

        using var script = await client.GetAsync("operations/operations.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("setTimeout(poll, 2000)", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var css = await client.GetAsync("operations/operations.css");
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Page_RenderedInHeadlessChromium_ShowsTheProviderAndARunningBatchMoving()
    {
        var chromium = ClusterServices.Chromium;
        Fixture.Provider.Behavior = r => FakeReply.Text("done: " + r.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(500) };
        using var client = Fixture.CreateClient();
        var job = await SubmitBatchAsync(client, tasks: 60);
        var url = new Uri(Fixture.BaseAddress, "operations").ToString();
        var profile = Directory.CreateTempSubdirectory("gateway-chromium-");
        try
        {
            // The screenshot first, while the batch runs (docs/operations-page.png is one of these).
            var screenshot = Path.Combine(Path.GetTempPath(), "gateway-operations-page.png");
            File.Delete(screenshot);
            await RenderAsync(chromium, profile.FullName, url, $"--screenshot={screenshot}", "--window-size=1280,640", "--hide-scrollbars");
            Assert.True(new FileInfo(screenshot).Length > 10_000, "The screenshot is missing or empty.");

            var first = await RenderAsync(chromium, profile.FullName, url, "--dump-dom");
            var firstDone = Done(first, job);
            int? laterDone = null;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            do
            {
                laterDone = Done(await RenderAsync(chromium, profile.FullName, url, "--dump-dom"), job);
            }
            while (!(laterDone > firstDone) && DateTime.UtcNow < deadline);

            var text = Tags().Replace(first, " ");
            Assert.True(first.Contains("data-provider=\"fake\"", StringComparison.Ordinal), $"The rendered page lists no provider 'fake'. Page text: {text[..Math.Min(text.Length, 2000)]}");
            Assert.Matches($@"\d+ / {ProviderLimit}\b", text);
            Assert.True(firstDone is not null, $"The rendered page lists no job {job}. Page text: {text[..Math.Min(text.Length, 2000)]}");
            Assert.True(laterDone > firstDone, $"Job {job}'s progress did not move between two renderings: {firstDone}, then {laterDone}.");
            output.WriteLine($"progress of {job}: {firstDone}, then {laterDone} of 60; screenshot: {screenshot}");
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private async Task<string> SubmitBatchAsync(HttpClient client, int tasks)
    {
        var body = new
        {
            model = "fake/fake-model",
            tasks = Enumerable.Range(0, tasks).Select(i => new { id = $"t{i}", prompt = $"task {i}" }).ToArray(),
        };
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "v1/batch/generate", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var json = JsonDocument.Parse(text);
        var job = json.RootElement.GetProperty("job_id").GetString()!;
        _jobs.Add(job);
        return job;
    }

    /// <summary>How many tasks of <paramref name="job"/> the rendered page shows done (its row's <c>data-done</c>); null when the job is not listed.</summary>
    private static int? Done(string dom, string job)
    {
        var match = Regex.Match(dom, $"data-job=\"{Regex.Escape(job)}\" data-done=\"(\\d+)\"");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static Task<string> RenderAsync(string chromium, string profile, string url, params string[] mode) =>
        HeadlessChromium.RunAsync(chromium, profile, url, virtualTimeBudgetMs: 3000, mode);

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
