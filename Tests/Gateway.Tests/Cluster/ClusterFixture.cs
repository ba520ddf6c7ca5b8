namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// A real cluster on loopback: Redis and Azurite (from <c>scripts/test-services.sh</c>), two silos and
/// two frontends as their own processes (the built <c>Silo</c> and <c>Frontend</c> dlls), and a fake
/// provider <c>fake</c> limited to <see cref="ProviderLimit"/> concurrent calls.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>The <c>SECRET_TOKEN</c> of every host: Bearer on the frontends, the Basic password of the dashboard.</summary>
    public const string SecretToken = "cluster-test-token";

    /// <summary>The fake provider's <c>MaxConcurrency</c>.</summary>
    public const int ProviderLimit = 3;

    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The silos' <c>Gateway:Batch:ResumeReminderPeriod</c>.</summary>
    public static readonly TimeSpan ResumeReminderPeriod = TimeSpan.FromSeconds(5);

    private readonly List<HostProcess> _allProcesses = [];
    private string _siloDll = string.Empty;
    private string _frontendDll = string.Empty;

    /// <summary>The silo processes on which every chat grain last answered (<see cref="WaitUntilEveryChatGrainAnswersAsync"/>).</summary>
    private string _chatPoolCheckedOn = string.Empty;

    /// <summary>Unique per run, so state and membership of earlier runs never mix in.</summary>
    public string ServiceId { get; } = "gwtest" + Guid.NewGuid().ToString("N")[..10];

    public FakeProviderServer Provider { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(90) };

    public SiloSlot[] Silos { get; } = [new("silo1"), new("silo2")];

    public HostProcess[] Frontends { get; } = new HostProcess[2];

    public string Redis { get; private set; } = string.Empty;

    public string Tables { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Redis = ClusterServices.Redis;
        Tables = ClusterServices.Tables;
        (_siloDll, _frontendDll) = (BuiltDll("Silo", "OrleansGateway.Silo.dll"), BuiltDll("Frontend", "OrleansGateway.Frontend.dll"));
        Provider = await FakeProviderServer.StartAsync();
        Provider.RecordRequests = false;
        foreach (var silo in Silos)
        {
            silo.StartProcess(StartSilo(silo));
        }

        foreach (var silo in Silos)
        {
            await WaitForMembersAsync(silo.Process!, Silos, StartTimeout);
        }

        for (var i = 0; i < Frontends.Length; i++)
        {
            Frontends[i] = StartFrontend($"frontend{i + 1}");
        }

        foreach (var frontend in Frontends)
        {
            await WaitForMembersAsync(frontend, Silos, StartTimeout);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _allProcesses)
        {
            await process.DisposeAsync();
        }

        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }

        Http.Dispose();
    }

    /// <summary>The settings every host of this cluster gets.</summary>
    public Dictionary<string, string?> CommonEnvironment() => new()
    {
        ["ConnectionStrings__redis"] = Redis,
        ["ConnectionStrings__tables"] = Tables,
        ["Orleans__ClusterId"] = ServiceId,
        ["Orleans__ServiceId"] = ServiceId,
        ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
        ["Gateway__Hosting__SiloListRefreshSeconds"] = "2",
        // ProviderGrainSiloAsync finds the silo of provider fake's grain by the dashboard's activations of the grain
        // type, so no other provider's grain may be active: the frontends' warm-up would activate local's too.
        ["Gateway__Hosting__WarmUpAtStart"] = "false",
        ["SECRET_TOKEN"] = SecretToken,
        ["Gateway__Providers__fake__BaseUrl"] = Provider.BaseUrl,
        ["Gateway__Providers__fake__ApiKey"] = "fake-key",
        ["Gateway__Providers__fake__Models__0"] = "fake-model",
        ["Gateway__Providers__fake__MaxConcurrency"] = ProviderLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Gateway__Providers__fake__LeaseTtlSeconds"] = "3",
        ["Gateway__Providers__fake__QueueTimeoutSeconds"] = "60",
        ["Gateway__Providers__fake__TimeoutSeconds"] = "20",
        ["Gateway__Providers__fake__MaxRetries"] = "2",
        ["Gateway__Providers__fake__RetryBaseDelayMilliseconds"] = "1",
        ["Gateway__Providers__fake__CircuitFailureThreshold"] = "1000",
        ["Gateway__Hosting__ShutdownTimeoutSeconds"] = "15",

        // 1 USD a token of fake/fake-model, so a virtual key's spend is its token count (ClusterKeyLimitTests).
        ["Gateway__Providers__fake__Prices__fake-model__InputPerMillion"] = "1000000",
        ["Gateway__Providers__fake__Prices__fake-model__OutputPerMillion"] = "1000000",

        // A batch job whose silo dies is resumed by its reminder within seconds rather than the default minute.
        ["Gateway__Batch__ResumeReminderPeriod"] = ResumeReminderPeriod.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__OrleansGateway"] = "Information",
        ["Logging__LogLevel__Orleans"] = "Warning",
        ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_gcServer"] = "0",
    };

    /// <summary>Starts a silo process on the slot's ports (the same ports when it is restarted).</summary>
    public HostProcess StartSilo(SiloSlot slot, IDictionary<string, string?>? overrides = null)
    {
        var environment = CommonEnvironment();
        environment["Orleans__Endpoints__SiloPort"] = slot.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Orleans__Endpoints__GatewayPort"] = slot.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return Track(HostProcess.Start(slot.Name, _siloDll, $"http://127.0.0.1:{slot.HttpPort}", environment));
    }

    /// <summary>Starts a frontend process on a fresh port.</summary>
    public HostProcess StartFrontend(string name, IDictionary<string, string?>? overrides = null)
    {
        var environment = CommonEnvironment();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return Track(HostProcess.Start(name, _frontendDll, $"http://127.0.0.1:{FreePorts.Next()}", environment));
    }

    /// <summary>Starts a silo with overridden settings on fresh ports, outside the cluster's slots (for start-up failures).</summary>
    public HostProcess StartLoneSilo(string name, IDictionary<string, string?> overrides) =>
        StartSilo(new SiloSlot(name), overrides);

    /// <summary>The silo addresses <c>/health</c> of <paramref name="host"/> lists; empty when it does not answer 200.</summary>
    public async Task<IReadOnlyList<string>> MembersAsync(HostProcess host)
    {
        try
        {
            using var response = await Http.GetAsync(host.BaseUrl + "/health");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return [];
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return [.. body.RootElement.GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("address").GetString()!)];
        }
        catch (HttpRequestException)
        {
            return [];
        }
        catch (TaskCanceledException)
        {
            return [];
        }
    }

    /// <summary>Waits until <paramref name="host"/>'s <c>/health</c> lists exactly the running processes of <paramref name="expected"/>.</summary>
    public async Task WaitForMembersAsync(HostProcess host, IReadOnlyCollection<SiloSlot> expected, TimeSpan timeout)
    {
        IReadOnlyList<string> members = [];
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (host.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"{host.Name} exited with code {host.ExitCode} while starting.\n{host.Tail()}");
            }

            members = await MembersAsync(host);
            if (members.Count == expected.Count && expected.All(slot => members.Any(slot.IsAddress)))
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new Xunit.Sdk.XunitException(
            $"{host.Name}'s /health did not list exactly [{string.Join(", ", expected.Select(s => s.Name + " port " + s.SiloPort))}] within {timeout.TotalSeconds} s; last: [{string.Join(", ", members)}].\n{host.Tail()}");
    }

    /// <summary>kill -9 of every silo at once, then each started again on its ports, until both frontends see exactly them.</summary>
    public async Task KillAndRestartEverySiloAsync()
    {
        foreach (var silo in Silos)
        {
            silo.Process!.KillHard();
        }

        foreach (var silo in Silos)
        {
            silo.StartProcess(StartSilo(silo));
        }

        foreach (var frontend in Frontends)
        {
            await WaitForMembersAsync(frontend, Silos, StartTimeout);
        }
    }

    /// <summary>Makes sure both silos run and both frontends see exactly them (tests that kill silos leave it so, this repairs it if not).</summary>
    public async Task EnsureHealthyAsync()
    {
        foreach (var silo in Silos.Where(s => s.Process is null || s.Process.HasExited))
        {
            silo.StartProcess(StartSilo(silo));
        }

        foreach (var host in Silos.Select(s => s.Process!).Concat(Frontends))
        {
            await WaitForMembersAsync(host, Silos, StartTimeout);
        }

        Provider.Behavior = FakeProviderServer.DefaultBehavior;
        var silos = string.Join(',', Silos.Select(s => s.Process!.Pid));
        if (silos != _chatPoolCheckedOn)
        {
            await WaitUntilEveryChatGrainAnswersAsync();
            _chatPoolCheckedOn = silos;
        }
    }

    /// <summary>
    /// Waits until a request through each frontend answers on every grain of its chat pool (one round of
    /// <see cref="Frontend.Chat.ChatDispatcher.ChatGrainPoolSize"/> requests reaches each once), each within 10 s.
    /// Members being active is not yet enough after every silo was restarted: Orleans' distributed directory can leave
    /// the placement of some grains waiting for up to 30 s while the new silos take the directory's ranges over
    /// (the placement then times out and the next succeeds), and a test counting its requests must not start in that window.
    /// </summary>
    private async Task WaitUntilEveryChatGrainAnswersAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var failures = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            var rounds = Frontends.SelectMany(frontend => Enumerable.Range(0, Frontend.Chat.ChatDispatcher.ChatGrainPoolSize).Select(async i =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    using var response = await GenerateAsync(frontend, $"pool check {i}", timeout.Token);
                    return response.StatusCode == HttpStatusCode.OK ? null : $"{frontend.Name}: {(int)response.StatusCode}";
                }
                catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
                {
                    return $"{frontend.Name}: {exception.GetType().Name}";
                }
            }));
            var outcomes = await Task.WhenAll(rounds);
            if (outcomes.All(o => o is null))
            {
                return;
            }

            failures = string.Join(", ", outcomes.Where(o => o is not null).GroupBy(o => o).Select(g => $"{g.Key} x{g.Count()}"));
        }

        throw new Xunit.Sdk.XunitException($"The chat grains did not all answer within {StartTimeout.TotalSeconds} s after the silos started; last round: {failures}");
    }

    /// <summary>The dashboard's (and the operations page's) Basic credentials: <c>admin</c> and <see cref="SecretToken"/>.</summary>
    public static AuthenticationHeaderValue DashboardAuthorization() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + SecretToken)));

    /// <summary>POSTs an <c>/llm/generation</c> request for <c>fake/fake-model</c> to a frontend.</summary>
    public async Task<HttpResponseMessage> GenerateAsync(HostProcess frontend, string userPrompt, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.Serialize(new { model = "fake/fake-model", prompt = "Be brief.", user_prompt = userPrompt });
        using var request = new HttpRequestMessage(HttpMethod.Post, frontend.BaseUrl + "/llm/generation")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecretToken);
        return await Http.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// The silo whose activation of <c>ProviderGrain</c> (any key; the tests use one provider) the
    /// dashboard's counters report, polled until it appears (the counters refresh every second).
    /// </summary>
    public async Task<SiloSlot> ProviderGrainSiloAsync(string provider)
    {
        var last = string.Empty;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            (var activations, last) = await ActivationsAsync(".ProviderGrain");
            var hosts = activations?.Where(a => a.Value > 0).Select(a => a.Key).ToList();
            if (hosts is { Count: 1 })
            {
                return hosts[0];
            }

            await Task.Delay(500);
        }

        throw new Xunit.Sdk.XunitException($"The dashboard never reported exactly one activation of provider '{provider}''s grain; last counters: {last[..Math.Min(last.Length, 2000)]}");
    }

    /// <summary>
    /// The activations of the grain type whose name ends in <paramref name="grainTypeSuffix"/> per silo, as the dashboard's
    /// counters report them (refreshed every second), and the counters' text; null activations when the dashboard did not answer.
    /// </summary>
    public async Task<(Dictionary<SiloSlot, int>? Activations, string Counters)> ActivationsAsync(string grainTypeSuffix)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Silos.First(s => s.Process is { HasExited: false }).Process!.BaseUrl + "/dashboard/DashboardCounters");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + SecretToken)));
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (null, text);
        }

        using var counters = JsonDocument.Parse(text);
        var activations = Silos.ToDictionary(s => s, _ => 0);
        foreach (var grain in counters.RootElement.GetProperty("simpleGrainStats").EnumerateArray()
            .Where(g => g.GetProperty("grainType").GetString()!.EndsWith(grainTypeSuffix, StringComparison.Ordinal)))
        {
            if (Silos.SingleOrDefault(s => s.IsAddress(grain.GetProperty("siloAddress").GetString()!)) is { } slot)
            {
                activations[slot] += grain.GetProperty("activationCount").GetInt32();
            }
        }

        return (activations, text);
    }

    /// <summary>The tails of every host's output, for failure messages.</summary>
    public string Tails() => string.Join('\n', Silos.Where(s => s.Process is not null).Select(s => s.Process!.Tail(15)).Concat(Frontends.Select(f => f.Tail(15))));

    private HostProcess Track(HostProcess process)
    {
        lock (_allProcesses)
        {
            _allProcesses.Add(process);
        }

        return process;
    }

    /// <summary>A project's dll as the solution build left it, next to this test assembly's configuration.</summary>
    public static string BuiltDll(string project, string dll)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OrleansGateway.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new Xunit.Sdk.XunitException($"OrleansGateway.sln not found above {AppContext.BaseDirectory}.");
        }

        var path = Path.Combine(root.FullName, project, "bin", configuration, framework, dll);
        return File.Exists(path)
            ? path
            : throw new Xunit.Sdk.XunitException($"{path} is missing: build the solution first (`dotnet build OrleansGateway.sln -c {configuration}`).");
    }
}
