using System.Diagnostics;
using System.Globalization;

namespace OrleansGateway.Benchmarks.Http;

/// <summary>
/// The side-by-side run: a fast fake provider, the YARP pass-through and the gateway (embedded
/// mode) all start, then wrk loads each in turn, the order rotating every round so a drifting,
/// shared machine hits each alike. Streaming (time to first token, many concurrent streams) is
/// measured with a .NET SSE client. Writes a Markdown report to <c>Benchmarks/results/</c>.
/// </summary>
public static class HttpBench
{
    private static readonly List<ServerProcess> s_servers = [];

    public static async Task<int> RunAsync(CommandLine args)
    {
        var options = new HttpBenchOptions(
            Rounds: args.Get("--rounds", 5),
            Seconds: args.Get("--seconds", 10),
            WarmupSeconds: args.Get("--warmup", 5),
            TtftRequests: args.Get("--ttft-requests", 500),
            TtftWarmup: args.Get("--ttft-warmup", 1500),
            Streams: args.Get("--streams", 1000),
            Command: args.Get("--command", "dotnet OrleansGateway.Benchmarks.dll http " + string.Join(' ', args.Args)),
            OutDir: args.Get("--out", RepoPaths.ResultsDir),
            Note: args.Get("--note", string.Empty),
            CompareDll: args.Get("--compare-dll", string.Empty) is { Length: > 0 } compare ? Path.GetFullPath(compare) : null,
            CompareEnvironment: args.Get("--compare-env", string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(pair => pair.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : string.Empty),
            YarpDefault: args.Has("--yarp-default"),
            WithTools: !args.Has("--no-tools"),
            WithNode: !args.Has("--no-node"));

        Console.CancelKeyPress += (_, _) => StopServers();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopServers();
        var work = Directory.CreateTempSubdirectory("gw-bench-");
        try
        {
            return await RunAsync(options, work.FullName);
        }
        finally
        {
            StopServers();
            work.Delete(recursive: true);
        }
    }

    private static async Task<int> RunAsync(HttpBenchOptions options, string work)
    {
        var report = new HttpReport(options) { TopBefore = MachineInfo.TopSnapshot(), LoadBefore = MachineInfo.LoadAverage() };
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

        var fake = Start("fake provider", RepoPaths.FakeProviderDll, ["--latency-ms", "0", "--chunks", "16", "--chunk-delay-ms", "0"], []);
        // Streams that last 40 x 250 ms = 10 s, so that many are open at once.
        var slow = Start("slow fake provider", RepoPaths.FakeProviderDll, ["--latency-ms", "0", "--chunks", "40", "--chunk-delay-ms", "250"], []);
        var proxy = Start("YARP pass-through", RepoPaths.ProxyDll, ["--destination", fake.BaseUrl], []);
        var node = options.WithNode ? Start("Node.js fake provider", RepoPaths.NodeFakeProvider, [], []) : null;
        var nodeProxy = node is null ? null : Start("YARP pass-through (Node.js provider)", RepoPaths.ProxyDll, ["--destination", node.BaseUrl], []);
        var slowProxy = Start("YARP pass-through (slow provider)", RepoPaths.ProxyDll, ["--destination", slow.BaseUrl], []);
        var gateway = Start("gateway", RepoPaths.GatewayDll, [], GatewayEnvironment(fake, slow, node));
        var compareEnvironment = GatewayEnvironment(fake, slow, node);
        foreach (var (name, value) in options.CompareEnvironment)
        {
            compareEnvironment[name] = value;
        }

        var compare = options.CompareDll is { } compareDll ? Start("gateway (comparison build)", compareDll, [], compareEnvironment) : null;
        var yarpDefault = options.YarpDefault ? Start("YARP pass-through, hosting Activity on", RepoPaths.ProxyDll, ["--destination", fake.BaseUrl, "--hosting-activity", "true"], []) : null;

        var startup = TimeSpan.FromSeconds(90);
        await fake.WaitReadyAsync(http, "/v1/models", startup);
        await slow.WaitReadyAsync(http, "/v1/models", startup);
        await proxy.WaitReadyAsync(http, "/v1/models", startup);
        await slowProxy.WaitReadyAsync(http, "/v1/models", startup);
        if (node is not null && nodeProxy is not null)
        {
            await node.WaitReadyAsync(http, "/v1/models", startup);
            await nodeProxy.WaitReadyAsync(http, "/v1/models", startup);
        }

        await gateway.WaitReadyAsync(http, "/health", startup);
        if (compare is not null)
        {
            await compare.WaitReadyAsync(http, "/health", startup);
        }

        if (yarpDefault is not null)
        {
            await yarpDefault.WaitReadyAsync(http, "/v1/models", startup);
        }

        Console.WriteLine($"servers up: fake {fake.BaseUrl}, YARP {proxy.BaseUrl}, gateway {gateway.BaseUrl}{(compare is null ? string.Empty : $", comparison build {compare.BaseUrl}")}");

        BenchTarget[] targets =
        [
            new("direct", "provider called directly", fake, fake.BaseUrl + "/v1/chat/completions", "m"),
            new("yarp", "YARP pass-through", proxy, proxy.BaseUrl + "/v1/chat/completions", "m"),
            new("gateway", "gateway (embedded)", gateway, gateway.BaseUrl + "/v1/chat/completions", "fake/m"),
            .. compare is null ? Array.Empty<BenchTarget>() : [new("compare", "gateway, comparison build", compare, compare.BaseUrl + "/v1/chat/completions", "fake/m")],
            .. yarpDefault is null ? Array.Empty<BenchTarget>() : [new("yarp-default", "YARP pass-through, hosting Activity on", yarpDefault, yarpDefault.BaseUrl + "/v1/chat/completions", "m")],
            .. node is null || nodeProxy is null ? Array.Empty<BenchTarget>() :
            [
                new("direct-node", "Node.js provider called directly", node, node.BaseUrl + "/v1/chat/completions", "m"),
                new("yarp-node", "YARP pass-through to the Node.js provider", nodeProxy, nodeProxy.BaseUrl + "/v1/chat/completions", "m"),
                new("gateway-node", "gateway (embedded) to the Node.js provider", gateway, gateway.BaseUrl + "/v1/chat/completions", "node/m"),
            ],
            .. !options.WithTools ? Array.Empty<BenchTarget>() :
            [
                new("direct-tools", "provider called directly, three tools", fake, fake.BaseUrl + "/v1/chat/completions", "m", Tools: true),
                new("yarp-tools", "YARP pass-through, three tools", proxy, proxy.BaseUrl + "/v1/chat/completions", "m", Tools: true),
                new("gateway-tools", "gateway (embedded), three tools", gateway, gateway.BaseUrl + "/v1/chat/completions", "fake/m", Tools: true),
            ],
        ];
        foreach (var target in targets)
        {
            target.Script = Wrk.WriteScript(work, target.Key, target.Body);
            using var response = await http.PostAsync(target.Url, new StringContent(target.Body, System.Text.Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || !text.Contains("\"choices\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{target.Name} answered {(int)response.StatusCode}: {text}");
            }

            report.SampleResponses[target.Key] = text.Length > 400 ? text[..400] + "..." : text;
        }

        // Streaming first, while the servers' memory is close to its idle level.
        await MeasureStreamingAsync(report, targets, options, http,
        [
            new("direct", "provider called directly", slow, slow.BaseUrl + "/v1/chat/completions", "m"),
            new("yarp", "YARP pass-through", slowProxy, slowProxy.BaseUrl + "/v1/chat/completions", "m"),
            new("gateway", "gateway (embedded)", gateway, gateway.BaseUrl + "/v1/chat/completions", "slow/m"),
        ]);

        var ours = new HashSet<int>(s_servers.Select(s => s.Pid));
        Console.WriteLine($"warm-up: {options.WarmupSeconds} s at 32 connections per target");
        foreach (var target in targets)
        {
            await Wrk.RunAsync(target.Url, target.Script, 32, TimeSpan.FromSeconds(options.WarmupSeconds));
        }

        foreach (var round in Enumerable.Range(0, options.Rounds))
        {
            foreach (var connections in new[] { 1, 32 })
            {
                for (var i = 0; i < targets.Length; i++)
                {
                    var target = targets[(i + round) % targets.Length];
                    var before = CpuSnapshot.Take();
                    var result = await Wrk.RunAsync(target.Url, target.Script, connections, TimeSpan.FromSeconds(options.Seconds));
                    var after = CpuSnapshot.Take();
                    var run = new WrkRun(round, connections, target.Key, result,
                        CpuSnapshot.ProcessSeconds(before, after, target.Server.Pid),
                        target.Key == "direct" ? 0 : CpuSnapshot.ProcessSeconds(before, after, fake.Pid),
                        CpuSnapshot.OtherCores(before, after, ours),
                        CpuSnapshot.MachineCores(before, after));
                    report.Runs.Add(run);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round + 1}/{options.Rounds} c={connections,-2} {target.Key,-8} {result.RequestsPerSecond,9:0} req/s  p50 {result.P50Us / 1000,7:0.000} ms  p99 {result.P99Us / 1000,7:0.000} ms  errors {result.Errors}  cpu/req {run.TargetCpuUsPerRequest,6:0} us  others {run.OtherCores:0.00} cores"));
                }
            }
        }

        foreach (var target in targets)
        {
            report.RssAfter[target.Key] = target.Server.RssBytes();
        }

        report.TopAfter = MachineInfo.TopSnapshot();
        report.LoadAfter = MachineInfo.LoadAverage();
        var path = report.Write();
        Console.WriteLine($"results: {path}");
        Console.WriteLine(report.Summary());
        return 0;
    }

    private static async Task MeasureStreamingAsync(HttpReport report, BenchTarget[] fast, HttpBenchOptions options, HttpClient http, BenchTarget[] slowTargets)
    {
        using var one = StreamClient.Create(1);
        foreach (var target in fast)
        {
            var probe = await StreamClient.RunOneAsync(one, target.Url, target.StreamBody);
            report.StreamProbe[target.Key] = probe.Status;
            Console.WriteLine($"stream probe {target.Key}: status {probe.Status}, done {probe.Done}");
        }

        // Warm-up: the streaming path is code of its own; measured cold (tier-0 JIT), the gateway's first
        // hundred streams take several times longer than its later ones.
        // Interleaved, then a pause, so that no target is measured while its background JIT still
        // catches up (measured one after the other, the target warmed last came out ~0.3 ms slower).
        var streaming = fast.Where(t => report.StreamProbe[t.Key] == 200).ToArray();
        foreach (var target in streaming)
        {
            report.Ttft[target.Key] = [];
        }

        const int warmupRounds = 5;
        for (var round = 0; round < warmupRounds; round++)
        {
            foreach (var target in streaming)
            {
                for (var i = 0; i < options.TtftWarmup / warmupRounds; i++)
                {
                    await StreamClient.RunOneAsync(one, target.Url, target.StreamBody);
                }
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(2));

        var rounds = Math.Max(1, options.Rounds);
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < streaming.Length; i++)
            {
                var target = streaming[(i + round) % streaming.Length];
                for (var n = 0; n < options.TtftRequests / rounds; n++)
                {
                    var sample = await StreamClient.RunOneAsync(one, target.Url, target.StreamBody);
                    report.Ttft[target.Key].Add(sample);
                }
            }
        }

        foreach (var target in slowTargets)
        {
            if (report.StreamProbe.GetValueOrDefault(target.Key) != 200)
            {
                continue;
            }

            await Task.Delay(1000);
            report.StreamHolds.Add(await HoldStreamsAsync(target, options.Streams));
            var hold = report.StreamHolds[^1];
            Console.WriteLine($"{options.Streams} streams via {target.Key}: peak open {hold.PeakOpen}, ok {hold.Succeeded}, failed {hold.Failed}, RSS {hold.RssBeforeBytes / 1048576} -> {hold.RssPeakBytes / 1048576} MB");
        }
    }

    private static async Task<StreamHoldResult> HoldStreamsAsync(BenchTarget target, int count)
    {
        using var client = StreamClient.Create(count + 16);
        var rssBefore = target.Server.RssBytes();
        var peakRss = rssBefore;
        var open = 0;
        var peakOpen = 0;
        var stopwatch = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, target.Server.RssBytes());
                peakOpen = Math.Max(peakOpen, Volatile.Read(ref open));
                try
                {
                    await Task.Delay(100, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        // A stream counts as open from its first content token to its end.
        var tasks = Enumerable.Range(0, count).Select(async _ =>
        {
            var started = false;
            try
            {
                return await StreamClient.RunOneAsync(client, target.Url, target.StreamBody, () =>
                {
                    started = true;
                    Interlocked.Increment(ref open);
                });
            }
            finally
            {
                if (started)
                {
                    Interlocked.Decrement(ref open);
                }
            }
        }).ToArray();
        var samples = await Task.WhenAll(tasks);
        await sampling.CancelAsync();
        await sampler;
        var failed = samples.Where(s => !s.Ok).ToArray();
        return new StreamHoldResult(target.Key, count, peakOpen, samples.Length - failed.Length, failed.Length, rssBefore, peakRss,
            stopwatch.Elapsed.TotalSeconds, failed.Length > 0 ? $"status {failed[0].Status}" : null);
    }

    private static Dictionary<string, string> GatewayEnvironment(ServerProcess fake, ServerProcess slow, ServerProcess? node)
    {
        var environment = GatewayEnvironment(fake, slow);
        if (node is not null)
        {
            environment["Gateway__Providers__node__BaseUrl"] = node.BaseUrl + "/v1";
            environment["Gateway__Providers__node__ApiKey"] = "x";
            environment["Gateway__Providers__node__MaxConcurrency"] = "1000";
            environment["Gateway__Providers__node__Models__0"] = "m";
        }

        return environment;
    }

    private static Dictionary<string, string> GatewayEnvironment(ServerProcess fake, ServerProcess slow) => new()
    {
        ["Gateway__Providers__fake__BaseUrl"] = fake.BaseUrl + "/v1",
        ["Gateway__Providers__fake__ApiKey"] = "x",
        ["Gateway__Providers__fake__MaxConcurrency"] = "1000",
        ["Gateway__Providers__fake__Models__0"] = "m",
        ["Gateway__Providers__slow__BaseUrl"] = slow.BaseUrl + "/v1",
        ["Gateway__Providers__slow__ApiKey"] = "x",
        ["Gateway__Providers__slow__MaxConcurrency"] = "2000",
        ["Gateway__Providers__slow__Models__0"] = "m",
        ["Orleans__Endpoints__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        ["Orleans__Endpoints__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
    };

    private static ServerProcess Start(string name, string dll, string[] args, Dictionary<string, string> environment)
    {
        var server = ServerProcess.Start(name, dll, FreePorts.Next(), args, environment);
        lock (s_servers)
        {
            s_servers.Add(server);
        }

        return server;
    }

    private static void StopServers()
    {
        lock (s_servers)
        {
            foreach (var server in s_servers)
            {
                server.Dispose();
            }

            s_servers.Clear();
        }
    }
}
