using System.Collections.Immutable;
using OrleansGateway.Storage;

namespace OrleansGateway.Keys;

/// <summary>
/// One virtual key: the single owner of its limits (<see cref="KeyLimiter"/>), so they hold whichever
/// frontend a request comes through; frontends admit requests under allowances it grants them
/// (<see cref="GrantAsync"/>) and report their usage with their next exchange. Settings, secret hash,
/// settled spend, usage and the limiter's windows and holds are durable, written at every exchange before it
/// is answered, so a new activation after a silo's crash or restart resumes the limits where they were.
/// </summary>
public sealed class KeyGrain(
    [PersistentState("key", GatewayStorage.Name)] IPersistentState<KeyGrainState> state,
    TimeProvider time) : Grain, IKeyGrain
{
    /// <summary>Days of usage kept.</summary>
    public const int UsageDays = 90;

    private KeyLimiter? _limiter;

    public async Task<VirtualKeyView> CreateAsync(VirtualKeySettings settings, ImmutableArray<byte> secretHash)
    {
        if (state.State.Settings is null)
        {
            var now = time.GetUtcNow();
            state.State.Settings = settings;
            state.State.SecretHash = secretHash;
            state.State.CreatedAt = now;
            state.State.SpendPeriodStart = now;
            await state.WriteStateAsync();
            _limiter = null;
        }

        return View();
    }

    public Task<VirtualKeyView?> GetAsync() => Task.FromResult(state.State.Settings is null ? null : View());

    public Task<VirtualKeyAuth?> GetAuthAsync() =>
        Task.FromResult(state.State.Settings is { } settings
            ? new VirtualKeyAuth(this.GetPrimaryKeyString(), state.State.SecretHash, settings, state.State.Revoked)
            : null);

    public async Task<VirtualKeyView?> UpdateAsync(VirtualKeySettings settings)
    {
        if (state.State.Settings is null)
        {
            return null;
        }

        var limiter = Limiter();
        state.State.Settings = settings;
        // New limits from the next request; the windows, the requests in flight and the period's spend carry over.
        limiter.UpdateLimits(Limits(settings));
        state.State.Spend = limiter.Spent;
        state.State.SpendPeriodStart = limiter.BudgetPeriodStart;
        state.State.Limiter = limiter.Export();
        await state.WriteStateAsync();
        return View();
    }

    public async Task<VirtualKeyView?> RevokeAsync()
    {
        if (state.State.Settings is null)
        {
            return null;
        }

        if (!state.State.Revoked)
        {
            state.State.Revoked = true;
            await state.WriteStateAsync();
        }

        return View();
    }

    public async Task<KeyGrant> GrantAsync(KeyGrantRequest request)
    {
        if (state.State.Settings is not { } settings)
        {
            return new KeyGrant(0, KeyLimitKind.Revoked, null, 0, 0, 0, 0m, 0, KeyLimiter.DefaultAllowanceLife, false);
        }

        var limiter = Limiter();
        var revoked = state.State.Revoked || settings.ExpiresAt <= time.GetUtcNow();
        var answer = limiter.Exchange(request, revoked);
        if (answer.Replayed)
        {
            return answer;
        }

        foreach (var settlement in request.Settled)
        {
            Record(settlement);
        }

        // Written before the answer: what a frontend is granted (and what it reported) survives a crash of this silo.
        state.State.Spend = limiter.Spent;
        state.State.SpendPeriodStart = limiter.BudgetPeriodStart;
        state.State.Limiter = limiter.Export();
        await state.WriteStateAsync();
        return answer;
    }

    public Task<ImmutableArray<KeyUsage>> GetUsageAsync() => Task.FromResult(state.State.Usage.ToImmutableArray());

    private void Record(KeySettlement settlement)
    {
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var usage = state.State.Usage;
        var index = usage.FindIndex(u => u.Day == day && u.Model == settlement.Model);
        var entry = index < 0 ? new KeyUsage(day, settlement.Model, 0, 0, 0, 0m, settlement.Priced) : usage[index];
        entry = entry with
        {
            // A sender from before settlements were summed per model sends no count (0): one request.
            Requests = entry.Requests + Math.Max(1, settlement.Requests),
            InputTokens = entry.InputTokens + settlement.InputTokens,
            OutputTokens = entry.OutputTokens + settlement.OutputTokens,
            Spend = entry.Spend + settlement.Cost,
            Priced = entry.Priced && settlement.Priced,
        };
        if (index < 0)
        {
            usage.Add(entry);
        }
        else
        {
            usage[index] = entry;
        }

        usage.RemoveAll(u => u.Day < day.AddDays(-UsageDays));
    }

    private KeyLimiter Limiter()
    {
        if (_limiter is null)
        {
            var settings = state.State.Settings!;
            _limiter = new KeyLimiter(Limits(settings), time, state.State.CreatedAt);
            _limiter.RestoreSpent(state.State.SpendPeriodStart, state.State.Spend);
            if (state.State.Limiter is { } saved)
            {
                _limiter.Import(saved);
            }
        }

        return _limiter;
    }

    private static KeyLimits Limits(VirtualKeySettings settings) =>
        new(settings.RpmLimit, settings.TpmLimit, settings.MaxParallelRequests, settings.MaxBudget, settings.BudgetDuration);

    private VirtualKeyView View()
    {
        var limiter = Limiter();
        return new VirtualKeyView(
            this.GetPrimaryKeyString(), state.State.Settings!, state.State.CreatedAt, state.State.Revoked,
            limiter.Spent, limiter.BudgetPeriodStart, limiter.RequestsInWindow, limiter.TokensInWindow, limiter.InFlight);
    }
}
