using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansGateway.Chat;
using OrleansGateway.Frontend.Keys;
using OrleansGateway.Keys;
using OrleansGateway.Secrets;
using OrleansGateway.Streaming;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>
/// What a virtual key adds to a request on the frontend, piece by piece, in steady state (the key seen before,
/// this process's allowance of it open): the secret's check, the input estimate, admission and settlement
/// through <see cref="KeyGate"/> (with a listener on the key metrics, as the gateway's exporter is), and for
/// reference the SHA-256 and hex a request paid before the secret was remembered. The key's grain runs in an
/// embedded silo in this process and has every limit set far above what the run uses.
/// </summary>
[MemoryDiagnoser]
public class KeyPathBenchmarks
{
    private IHost _host = null!;
    private VirtualKeyAuthenticator _authenticator = null!;
    private KeyAllowances _allowances = null!;
    private KeyGate _gate = null!;
    private MeterListener _listener = null!;
    private readonly TokenUsageEstimator _estimator = new();
    private readonly TokenUsage _usage = new(9, 16, 25);
    private string _secret = null!;
    private VirtualKeyCaller _caller = null!;

    [GlobalSetup]
    public void Setup()
    {
        _host = EmbeddedSilo.StartAsync(maxConcurrency: 1000).GetAwaiter().GetResult();
        var grains = _host.Services.GetRequiredService<IGrainFactory>();
        _secret = VirtualKeySecret.Generate();
        var hash = VirtualKeySecret.Hash(_secret);
        const string id = "key-bench";
        var settings = new VirtualKeySettings("bench", ["fake/*"], 100_000_000, 1_000_000_000_000, 1000, 1_000_000_000m, null, null, null);
        grains.GetGrain<IKeyGrain>(id).CreateAsync(settings, hash).GetAwaiter().GetResult();
        grains.GetGrain<IKeyRegistryGrain>(KeyRegistry.Key).AddAsync(id, VirtualKeySecret.Hex(hash)).GetAwaiter().GetResult();

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Providers:fake:Prices:m:InputPerMillion"] = "1",
            ["Gateway:Providers:fake:Prices:m:OutputPerMillion"] = "2",
        }).Build();
        _authenticator = new VirtualKeyAuthenticator(grains, TimeProvider.System, SecretRedactor.For());
        _allowances = new KeyAllowances(grains, TimeProvider.System, NullLogger<KeyAllowance>.Instance);
        var metrics = new KeyMetrics(_host.Services.GetRequiredService<IMeterFactory>());
        _gate = new KeyGate(_allowances, new KeyPrices(configuration), metrics, _host.Services, NullLogger<KeyGate>.Instance);

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name.StartsWith("gateway.key.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        _listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        _listener.Start();

        _caller = _authenticator.AuthenticateAsync(_secret).AsTask().GetAwaiter().GetResult()
            ?? throw new InvalidOperationException("the benchmark's key was not accepted");
        for (var i = 0; i < 10_000; i++)
        {
            AdmitAndSettle().AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener.Dispose();
        _allowances.Dispose();
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }

    /// <summary>The secret's check for a key seen before, its settings fresh (the steady state).</summary>
    [Benchmark]
    public ValueTask<VirtualKeyCaller?> Authenticate() => _authenticator.AuthenticateAsync(_secret.AsSpan());

    /// <summary>What the check cost per request before the secret was remembered: the SHA-256 of the secret and its hex.</summary>
    [Benchmark]
    public string HashAndHex() => VirtualKeySecret.Hex(VirtualKeySecret.Hash(_secret));

    /// <summary>The o200k estimate of the request's input tokens that admission reserves.</summary>
    [Benchmark]
    public int EstimateInput() => _estimator.Estimate(BenchData.Request, string.Empty).PromptTokens;

    /// <summary>Admission under the open allowance and settlement with the reported usage, metrics recorded.</summary>
    [Benchmark]
    public async ValueTask AdmitAndSettle()
    {
        var (reservation, error) = await _gate.AdmitAsync(_caller, BenchData.Request);
        if (reservation is null)
        {
            throw new InvalidOperationException($"refused: {error?.Message}");
        }

        await _gate.SettleAsync(reservation, "fake/m", _usage);
    }
}
