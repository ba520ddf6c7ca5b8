using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using OrleansGateway.Benchmarks.Http;

namespace OrleansGateway.Benchmarks.FirstToken;

/// <summary>
/// Time to the first content token of a streamed completion from the fast fake provider on
/// loopback, read three ways in one process, interleaved in rounds: the <c>OpenAI</c> package's typed
/// streaming method, its protocol method with <see cref="SseParser"/> (what the gateway does), and
/// a plain <see cref="HttpClient"/> with <see cref="SseParser"/> (the floor). Sequential streams.
/// </summary>
public static class FirstTokenBench
{
    private const string Body = """{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""";

    public static async Task<int> RunAsync(CommandLine args)
    {
        var rounds = args.Get("--rounds", 5);
        var perRound = args.Get("--requests", 400);
        var warmup = args.Get("--warmup", 500);
        var command = args.Get("--command", "dotnet OrleansGateway.Benchmarks.dll first-token " + string.Join(' ', args.Args));
        var outDir = args.Get("--out", RepoPaths.ResultsDir);
        var started = DateTimeOffset.UtcNow;
        var header = MachineInfo.Markdown(command);

        using var fake = ServerProcess.Start("fake provider", RepoPaths.FakeProviderDll, FreePorts.Next(), ["--latency-ms", "0", "--chunks", "16", "--chunk-delay-ms", "0"], new Dictionary<string, string>());
        using var http = new HttpClient();
        await fake.WaitReadyAsync(http, "/v1/models", TimeSpan.FromSeconds(60));
        var baseUrl = fake.BaseUrl + "/v1";

        var chat = new OpenAIClient(new ApiKeyCredential("x"), new OpenAIClientOptions
        {
            Endpoint = new Uri(baseUrl),
            Transport = new HttpClientPipelineTransport(NewHttpClient()),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        }).GetChatClient("m");
        var raw = NewHttpClient();
        (string Name, Func<Task<double>> Run)[] ways =
        [
            ("OpenAI package, typed streaming method (CompleteChatStreamingAsync)", () => TypedAsync(chat)),
            ("OpenAI package, protocol method + SseParser (the gateway's way)", () => ProtocolAsync(chat)),
            ("plain HttpClient + SseParser", () => RawAsync(raw, baseUrl)),
        ];

        foreach (var (_, run) in ways)
        {
            for (var i = 0; i < warmup; i++)
            {
                await run();
            }
        }

        var samples = ways.ToDictionary(w => w.Name, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            for (var w = 0; w < ways.Length; w++)
            {
                var (name, run) = ways[(w + round) % ways.Length];
                for (var i = 0; i < perRound; i++)
                {
                    samples[name].Add(await run());
                }
            }
        }

        var text = new StringBuilder();
        text.AppendLine("# Time to first token through the OpenAI package (sequential streams, loopback fake provider)");
        text.AppendLine();
        text.Append(header);
        text.AppendLine(CultureInfo.InvariantCulture, $"- Load average at start: {MachineInfo.LoadAverage()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- {warmup} warm-up streams per way, then {rounds} rounds x {perRound} streams, the order rotating every round.");
        text.AppendLine();
        text.AppendLine("| way | streams | p50 us | p90 us | p99 us |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, values) in samples)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {values.Count} | {Stats.Percentile(values, 50):0} | {Stats.Percentile(values, 90):0} | {Stats.Percentile(values, 99):0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: p50 {Stats.Percentile(values, 50):0} us, p90 {Stats.Percentile(values, 90):0} us"));
        }

        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, $"{started:yyyy-MM-dd-HHmm}-first-token.md");
        File.WriteAllText(path, text.ToString());
        Console.WriteLine($"results: {path}");
        return 0;
    }

    private static HttpClient NewHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ResponseDrainTimeout = TimeSpan.Zero,
        MaxResponseDrainSize = 0,
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    private static async Task<double> TypedAsync(ChatClient chat)
    {
        var started = Stopwatch.GetTimestamp();
        var first = double.NaN;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("hi")], new ChatCompletionOptions()))
        {
            if (double.IsNaN(first) && update.ContentUpdate.Any(part => !string.IsNullOrEmpty(part.Text)))
            {
                first = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
        }

        return first;
    }

    private static async Task<double> ProtocolAsync(ChatClient chat)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await chat.CompleteChatAsync(BinaryContent.Create(BinaryData.FromString(Body)), new RequestOptions { BufferResponse = false });
        using var response = result.GetRawResponse();
        return await FirstContentAsync(response.ContentStream!, started);
    }

    private static async Task<double> RawAsync(HttpClient http, string baseUrl)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/chat/completions") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer x");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        return await FirstContentAsync(stream, started);
    }

    private static async Task<double> FirstContentAsync(Stream stream, long started)
    {
        var first = double.NaN;
        await foreach (var item in SseParser.Create(stream).EnumerateAsync())
        {
            if (item.Data == "[DONE]")
            {
                break;
            }

            if (double.IsNaN(first) && item.Data.Contains("\"content\":\"", StringComparison.Ordinal) && !item.Data.Contains("\"content\":\"\"", StringComparison.Ordinal))
            {
                first = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
        }

        return first;
    }
}
