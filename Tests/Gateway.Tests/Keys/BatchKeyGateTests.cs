using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansGateway.Keys;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// The key check of batch tasks (<see cref="BatchKeyGate"/>, as a silo runs it) against a key grain in an
/// in-process cluster under a fake clock: a used-up rpm, parallel limit or budget asks the task to wait (never a
/// failure) no longer than <see cref="BatchKeyGate.MaxWait"/>; a released task (failed or cancelled) gives its slot,
/// tokens and budget back; a settled one charges the provider's usage at the configured price; a revoked key, a model
/// the key may not use and a task larger than the tpm_limit fail the task.
/// </summary>
public sealed class BatchKeyGateTests(KeyClusterFixture fixture) : IClassFixture<KeyClusterFixture>, IDisposable
{
    private static readonly ImmutableArray<byte> s_hash = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    private readonly KeyAllowances _allowances = new(fixture.Client, fixture.Time, NullLogger<KeyAllowance>.Instance);

    public void Dispose() => _allowances.Dispose();

    private BatchKeyGate Gate() => new(_allowances, Prices(), fixture.Client, fixture.Time, NullLogger<BatchKeyGate>.Instance);

    /// <summary>1 USD a token of <c>fake/fake-model</c>.</summary>
    private static KeyPrices Prices() => new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Gateway:Providers:fake:Prices:fake-model:InputPerMillion"] = "1000000",
        ["Gateway:Providers:fake:Prices:fake-model:OutputPerMillion"] = "1000000",
    }).Build());

    private async Task<(string Id, IKeyGrain Grain)> CreateAsync(int? rpm = null, long? tpm = null, int? parallel = null, decimal? budget = null, ImmutableArray<string> models = default)
    {
        var id = "key-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Client.GetGrain<IKeyGrain>(id);
        await grain.CreateAsync(new VirtualKeySettings("batch-team", models.IsDefault ? [] : models, rpm, tpm, parallel, budget, null, null, null), s_hash);
        return (id, grain);
    }

    [Fact]
    public async Task AdmitAsync_ParallelLimitUsedUp_AsksTheTaskToWait_AndAReleasedTaskGivesItsSlotBack()
    {
        var (id, grain) = await CreateAsync(parallel: 1);
        var gate = Gate();
        var first = await gate.AdmitAsync(id, "fake/fake-model", [], 5, 10);
        Assert.True(first.Admitted);

        var second = await gate.AdmitAsync(id, "fake/fake-model", [], 5, 10);
        Assert.False(second.Admitted);
        Assert.Null(second.Error);
        Assert.InRange(second.Wait!.Value, TimeSpan.FromSeconds(1), BatchKeyGate.MaxWait);

        // The first task failed (or its job was cancelled): its slot comes back, and the waiting task runs.
        BatchKeyGate.Release(first);
        fixture.Time.Advance(KeyAllowance.RefusalReuse);
        var retried = await gate.AdmitAsync(id, "fake/fake-model", [], 5, 10);
        Assert.True(retried.Admitted, $"The released slot should admit the waiting task: {retried}");
        BatchKeyGate.Release(retried);
        await _allowances.FlushAsync(id);
        Assert.Equal(0, (await grain.GetAsync())!.InFlight);
    }

    [Fact]
    public async Task AdmitAsync_RpmUsedUp_AsksTheTaskToWaitUntilTheWindowAdmitsIt()
    {
        var (id, _) = await CreateAsync(rpm: 2);
        var gate = Gate();
        Assert.True((await gate.AdmitAsync(id, "fake/fake-model", [], 5, 10)).Admitted);
        Assert.True((await gate.AdmitAsync(id, "fake/fake-model", [], 5, 10)).Admitted);

        var waiting = await gate.AdmitAsync(id, "fake/fake-model", [], 5, 10);
        Assert.Equal((false, (GatewayError?)null, BatchKeyGate.MaxWait), (waiting.Admitted, waiting.Error, waiting.Wait));

        // Still refused just before the window lets the two go (61 s: the allowance's life plus the window), admitted after.
        fixture.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.False((await gate.AdmitAsync(id, "fake/fake-model", [], 5, 10)).Admitted);
        fixture.Time.Advance(TimeSpan.FromSeconds(3));
        await Eventually.UntilAsync(async () => (await gate.AdmitAsync(id, "fake/fake-model", [], 5, 10)).Admitted, "the window to admit the waiting task", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AdmitAsync_BudgetUsedUp_Waits_ReleasedReservationsComeBack_AndSettledTasksChargeTheirUsage()
    {
        var (id, grain) = await CreateAsync(budget: 50m);
        var gate = Gate();
        // Each task may cost 5 + 15 = 20 USD: two fit the budget of 50, the third waits.
        var first = await gate.AdmitAsync(id, "fake/fake-model", [], 5, 15);
        var second = await gate.AdmitAsync(id, "fake/fake-model", [], 5, 15);
        Assert.True(first.Admitted && second.Admitted);
        var third = await gate.AdmitAsync(id, "fake/fake-model", [], 5, 15);
        Assert.Equal((false, (GatewayError?)null), (third.Admitted, third.Error));
        Assert.Equal(BatchKeyGate.MaxWait, third.Wait);

        // One settles below its reservation (4 + 3 tokens: 7 USD), one is released: 43 USD are free again.
        gate.Settle(first, "fake/fake-model", new TokenUsage(4, 3, 7));
        BatchKeyGate.Release(second);
        fixture.Time.Advance(KeyAllowance.RefusalReuse);
        var retried = await gate.AdmitAsync(id, "fake/fake-model", [], 5, 15);
        Assert.True(retried.Admitted, $"The released and settled budget should admit the waiting task: {retried}");
        BatchKeyGate.Release(retried);
        await _allowances.FlushAsync(id);
        var view = await grain.GetAsync();
        Assert.Equal((7m, 0), (view!.Spend, view.InFlight));
        var usage = Assert.Single(await grain.GetUsageAsync());
        Assert.Equal((1L, 4L, 3L, 7m), (usage.Requests, usage.InputTokens, usage.OutputTokens, usage.Spend));
    }

    [Fact]
    public async Task AdmitAsync_RevokedKeyModelNotAllowedOrTaskLargerThanTpm_FailsTheTask()
    {
        var gate = Gate();
        var (modelsId, _) = await CreateAsync(models: ["fake/fake-model"]);
        var denied = await gate.AdmitAsync(modelsId, "fake/other-model", [], 5, 10);
        Assert.Equal((GatewayErrorKind.PermissionDenied, "model_not_allowed"), (denied.Error!.Kind, denied.Error.Code));
        var deniedFallback = await gate.AdmitAsync(modelsId, "fake/fake-model", ["fake/other-model"], 5, 10);
        Assert.Equal(GatewayErrorKind.PermissionDenied, deniedFallback.Error!.Kind);

        var (tpmId, _) = await CreateAsync(tpm: 100);
        var tooLarge = await gate.AdmitAsync(tpmId, "fake/fake-model", [], 50, 4096);
        Assert.Equal(GatewayErrorKind.RateLimited, tooLarge.Error!.Kind);
        Assert.Contains("tpm_limit", tooLarge.Error.Message, StringComparison.Ordinal);

        var (revokedId, revoked) = await CreateAsync();
        Assert.True((await gate.AdmitAsync(revokedId, "fake/fake-model", [], 5, 10)).Admitted);
        await revoked.RevokeAsync();
        fixture.Time.Advance(BatchKeyGate.SettingsFreshness);
        var refused = await gate.AdmitAsync(revokedId, "fake/fake-model", [], 5, 10);
        Assert.Equal(GatewayErrorKind.Unauthenticated, refused.Error!.Kind);
        Assert.Equal(GatewayErrorKind.Unauthenticated, (await gate.AdmitAsync("key-never-created", "fake/fake-model", [], 5, 10)).Error!.Kind);
    }
}
