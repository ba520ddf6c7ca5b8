using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansGateway.Chat;
using OrleansGateway.Providers;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>
/// Grain calls as the frontend makes them in embedded mode (from outside the grains, into a silo
/// in the same process): one carrying the chat wire types, and the provider lease pair of every request.
/// </summary>
[MemoryDiagnoser]
public class GrainCallBenchmarks
{
    private IHost _host = null!;
    private IGrainFactory _grains = null!;
    private IEchoGrain _echo = null!;
    private IProviderGrain _provider = null!;
    private readonly LeaseRequest _leaseRequest = new(RequestPriority.Interactive);

    [GlobalSetup]
    public void Setup()
    {
        _host = EmbeddedSilo.StartAsync(maxConcurrency: 1000).GetAwaiter().GetResult();
        _grains = _host.Services.GetRequiredService<IGrainFactory>();
        _echo = _grains.GetGrain<IEchoGrain>(0);
        _provider = _grains.GetGrain<IProviderGrain>(EmbeddedSilo.Provider);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }

    [Benchmark]
    public Task<ChatOutcome> ChatGrainShapedCall() => _echo.EchoAsync(BenchData.Request);

    /// <summary>The same call through a fresh reference: <c>GetGrain</c> resolves the interface type by reflection each time.</summary>
    [Benchmark]
    public Task<ChatOutcome> GetGrainThenCall() => _grains.GetGrain<IEchoGrain>(0).EchoAsync(BenchData.Request);

    [Benchmark]
    public IProviderGrain GetGrainOnly() => _grains.GetGrain<IProviderGrain>(EmbeddedSilo.Provider);

    [Benchmark]
    public Task<ChatOutcome> ChatGrainShapedCallWithCancellationToken() => _echo.EchoAsync(BenchData.Request, CancellationToken.None);

    /// <summary>A call to a new activation that deactivates itself: what a stream's own grain costs on top of the calls it serves.</summary>
    [Benchmark]
    public Task<int> FreshActivationCall() => _grains.GetGrain<IFreshActivationGrain>(Guid.NewGuid()).PingAsync();

    [Benchmark]
    public async Task AcquireReleasePair()
    {
        var lease = await _provider.AcquireAsync(_leaseRequest);
        await _provider.ReleaseAsync(lease.LeaseId, CallOutcome.Success);
    }
}
