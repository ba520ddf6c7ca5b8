using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace OrleansGateway.Keys;

/// <summary>
/// This frontend's share of one virtual key's limits: the allowance its grain granted (requests and tokens
/// usable until <see cref="KeyGrant.Life"/> after it was asked for), and the parallel slots and budget it
/// holds. A request is admitted here, without a grain call, when the allowance and holds cover it; otherwise
/// the request waits for one exchange with the grain (<see cref="IKeyGrain.GrantAsync"/>), which also
/// reports what was used. An allowance half used or half way through its life is renewed in the background,
/// so a steady stream of requests does not wait. When the allowance has expired, a timer returns what it did
/// not use, reports the settled usage and gives back the free slots and budget; while requests stay in
/// flight it keeps the holds alive with an exchange every <see cref="KeepAlive"/>.
/// Thread-safe: every request of the key on this frontend goes through one instance.
/// </summary>
public sealed partial class KeyAllowance : IDisposable
{
    /// <summary>How long a refusal by the grain is reused for requests at least as large, before the grain is asked again.</summary>
    public static readonly TimeSpan RefusalReuse = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a frontend with requests in flight and nothing else to report tells the grain it is alive.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromMinutes(1);

    /// <summary>How many exchanges a request waits through (others may take what each brings) before it is refused.</summary>
    public const int MaxAttempts = 32;

    /// <summary>The most requests one allowance asks for.</summary>
    public const int MaxRequestsAsked = 100_000;

    private readonly object _gate = new();
    private readonly IKeyGrain _grain;
    private readonly string _keyId;
    private readonly string _holder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;

    // The open allowance (none when _grantId is 0).
    private long _grantId;
    private long _grantSentAt;
    private TimeSpan _life = KeyLimiter.DefaultAllowanceLife;
    private int? _requestsLeft;
    private long? _tokensLeft;
    private int? _requestsGranted;
    private long? _tokensGranted;
    private int _requestsUsed;
    private long _tokensCounted;
    private long _tokensAdmitted;

    // Holds: null when the key has no such limit.
    private int? _slots;
    private int _inFlight;
    private int _peakInFlight;
    private decimal? _budget;
    private decimal _inFlightCost;
    private decimal _budgetSettled;
    private long _budgetPeriod;

    // What the next exchange reports.
    private readonly List<KeyGrantReturn> _returns = [];
    // Settled usage since the last exchange, summed per model (one entry per model in the exchange, not one per
    // request); a sum that would no longer fit an int of tokens moves to _settled and a new one starts.
    private readonly List<KeySettlement> _settled = [];
    private readonly Dictionary<string, KeySettlement> _settledByModel = new(StringComparer.Ordinal);
    private int _parallelReturned;
    private decimal _budgetReturned;
    private long _sequence;
    private KeyGrantRequest? _unacknowledged;
    private long _lastExchangeAt;

    // Sizing of the next allowance.
    private int _admittedUnderLast;
    private long _lastTokens;
    private decimal _lastCost;

    // Request endings not yet applied (see Complete), and whether a completing thread is applying them.
    private readonly ConcurrentQueue<(KeyTicket Ticket, KeySettlement? Settlement)> _completions = new();
    private int _draining;

    private int _waiting;
    private Task<KeyGrant?>? _exchange;
    private (KeyGrant Answer, long Tokens, decimal Cost, long At)? _refusal;
    private long? _timerDueAt;
    private bool _disposed;

    public KeyAllowance(IKeyGrain grain, string keyId, string holder, TimeProvider time, ILogger logger)
    {
        _grain = grain;
        _keyId = keyId;
        _holder = holder;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((KeyAllowance)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Exchanges with the grain so far (for tests and the benchmark: the steady state makes few).</summary>
    public long Exchanges => Interlocked.Read(ref _sequence);

    /// <summary>
    /// Admits one request of at most <paramref name="tokens"/> tokens and <paramref name="cost"/> USD: the
    /// ticket to end it with, or the grain's refusal; (null, null) when the grain could not be reached.
    /// Completes at once when the allowance and holds cover the request (no state machine, no task).
    /// </summary>
    public ValueTask<(KeyTicket? Ticket, KeyGrant? Refusal)> AdmitAsync(long tokens, decimal cost)
    {
        lock (_gate)
        {
            ApplyCompletionsLocked();
            if (TryAdmitHere(tokens, cost) is { } ticket)
            {
                return ValueTask.FromResult<(KeyTicket?, KeyGrant?)>((ticket, null));
            }
        }

        return AdmitWaitingAsync(tokens, cost);
    }

    private async ValueTask<(KeyTicket? Ticket, KeyGrant? Refusal)> AdmitWaitingAsync(long tokens, decimal cost)
    {
        KeyGrant? lastAnswer = null;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            Task<KeyGrant?> exchange;
            TaskCompletionSource<KeyGrant?>? mine = null;
            lock (_gate)
            {
                ApplyCompletionsLocked();
                if (TryAdmitHere(tokens, cost) is { } ticket)
                {
                    return (ticket, null);
                }

                if (_refusal is { } refused && Covers(refused, tokens, cost))
                {
                    return (null, refused.Answer);
                }

                _waiting++;
                if (_exchange is null)
                {
                    mine = new TaskCompletionSource<KeyGrant?>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _exchange = mine.Task;
                }

                exchange = _exchange;
            }

            if (mine is not null)
            {
                _ = RunExchangeAsync(Ask(tokens, cost), closeOpen: false, mine);
            }

            KeyGrant? answer;
            try
            {
                answer = await exchange;
            }
            finally
            {
                lock (_gate)
                {
                    _waiting--;
                }
            }
            if (mine is not null)
            {
                if (answer is null)
                {
                    return (null, null);
                }

                if (answer.Refused != KeyLimitKind.None)
                {
                    return (null, answer);
                }
            }

            lastAnswer = answer ?? lastAnswer;
        }

        // Other requests kept taking what the exchanges brought: this one is refused as the parallel limit would.
        return (null, lastAnswer is { Refused: not KeyLimitKind.None } ? lastAnswer
            : new KeyGrant(0, KeyLimitKind.Parallel, (int)KeyLimiter.ParallelRetryAfter.TotalSeconds, 0, 0, 0, 0m, 0, _life, false));
    }

    /// <summary>
    /// Ends a request admitted with <paramref name="ticket"/>: settled with the provider's <paramref name="settlement"/>
    /// (its tokens and cost), or released (null: it failed or was cancelled, nothing is charged).
    /// </summary>
    public void Complete(KeyTicket ticket, KeySettlement? settlement)
    {
        // No lock here: the ending joins a queue, applied by whoever next holds the lock (an admission, an
        // exchange, the timer) or by one completing thread at a time. Until applied, the request still counts
        // in flight, so a late application only makes admission stricter, never looser.
        _completions.Enqueue((ticket, settlement));
        while (!_completions.IsEmpty && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            lock (_gate)
            {
                ApplyCompletionsLocked();
            }

            // A full fence before the queue is looked at again: an ending queued while this thread drained
            // either is seen by the loop's check or sees the flag free and drains itself.
            Interlocked.Exchange(ref _draining, 0);
        }
    }

    /// <summary>Applies the queued request endings (under the lock): first thing in every locked section, so each decision sees them.</summary>
    private void ApplyCompletionsLocked()
    {
        var applied = false;
        while (_completions.TryDequeue(out var completion))
        {
            CompleteLocked(completion.Ticket, completion.Settlement);
            applied = true;
        }

        if (applied)
        {
            ArmTimer(_time.GetTimestamp() + Ticks(_life));
        }
    }

    private void CompleteLocked(KeyTicket ticket, KeySettlement? settlement)
    {
        _inFlight--;
        var tokens = settlement is null ? 0L : settlement.InputTokens + (long)settlement.OutputTokens;
        var delta = tokens - ticket.Tokens;
        if (ticket.GrantId == _grantId)
        {
            _tokensAdmitted += delta;
        }
        else if (delta != 0)
        {
            _returns.Add(new KeyGrantReturn(ticket.GrantId, null, delta));
        }

        if (ticket.BudgetPeriod == _budgetPeriod)
        {
            _inFlightCost -= ticket.Cost;
            _budgetSettled += settlement?.Cost ?? 0m;
        }

        if (settlement is not null)
        {
            AddSettled(settlement);
        }
    }

    private void AddSettled(KeySettlement settlement)
    {
        ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(_settledByModel, settlement.Model, out var exists);
        if (!exists)
        {
            sum = settlement;
            return;
        }

        if ((long)sum!.InputTokens + settlement.InputTokens > int.MaxValue || (long)sum.OutputTokens + settlement.OutputTokens > int.MaxValue
            || (long)sum.Requests + settlement.Requests > int.MaxValue)
        {
            _settled.Add(sum);
            sum = settlement;
            return;
        }

        sum = new KeySettlement(sum.Model, sum.InputTokens + settlement.InputTokens, sum.OutputTokens + settlement.OutputTokens,
            sum.Cost + settlement.Cost, sum.Priced && settlement.Priced, sum.Requests + settlement.Requests);
    }

    /// <summary>Reports everything used so far and gives back the open allowance and the free holds (the admin API calls it before it reads the key).</summary>
    public async Task FlushAsync()
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            Task<KeyGrant?> exchange;
            TaskCompletionSource<KeyGrant?>? mine = null;
            lock (_gate)
            {
                ApplyCompletionsLocked();
                if (_exchange is null)
                {
                    if (!HasSomethingToReport(_time.GetTimestamp(), closeOpen: true))
                    {
                        return;
                    }

                    mine = new TaskCompletionSource<KeyGrant?>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _exchange = mine.Task;
                }

                exchange = _exchange;
            }

            if (mine is not null)
            {
                await RunExchangeAsync(null, closeOpen: true, mine);
                return;
            }

            await exchange;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            ApplyCompletionsLocked();
            _disposed = true;
        }

        _timer.Dispose();
    }

    private KeyTicket? TryAdmitHere(long tokens, decimal cost)
    {
        var now = _time.GetTimestamp();
        if (_grantId == 0 || now - _grantSentAt >= Ticks(_life)
            || _requestsLeft is < 1
            || (_tokensLeft is { } tokensLeft && tokensLeft < tokens)
            || (_slots is { } slots && _inFlight >= slots)
            || (_budget is { } budget && _inFlightCost + _budgetSettled + cost > budget))
        {
            return null;
        }

        _requestsLeft--;
        _tokensLeft -= tokens;
        _requestsUsed++;
        _tokensAdmitted += tokens;
        _inFlight++;
        _peakInFlight = Math.Max(_peakInFlight, _inFlight);
        _inFlightCost += cost;
        _lastTokens = tokens;
        _lastCost = cost;
        var ticket = new KeyTicket(_grantId, tokens, cost, _budgetPeriod);

        // Renew ahead, so the next requests do not wait: half the life gone, or half the requests or tokens used.
        if (_exchange is null && _refusal is null
            && (now - _grantSentAt >= Ticks(_life) / 2
                || (_requestsGranted is { } requests && _requestsLeft * 2 < requests)
                || (_tokensGranted is { } granted && _tokensLeft * 2 < granted)))
        {
            var renewal = new TaskCompletionSource<KeyGrant?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _exchange = renewal.Task;
            var ask = AskLocked(tokens, cost);
            _ = Task.Run(() => RunExchangeAsync(ask, closeOpen: false, renewal));
        }

        return ticket;
    }

    private static bool Covers((KeyGrant Answer, long Tokens, decimal Cost, long At) refused, long tokens, decimal cost) =>
        refused.Answer.Refused switch
        {
            KeyLimitKind.Tokens => tokens >= refused.Tokens,
            KeyLimitKind.Budget => cost >= refused.Cost,
            _ => true,
        };

    private KeyGrantAsk Ask(long tokens, decimal cost)
    {
        lock (_gate)
        {
            ApplyCompletionsLocked();
            return AskLocked(tokens, cost);
        }
    }

    private KeyGrantAsk AskLocked(long tokens, decimal cost)
    {
        // Enough for the requests waiting now (the asking one among them), and twice what the last allowance admitted.
        var requests = Math.Clamp(Math.Max(_admittedUnderLast * 2L, _waiting), 1, MaxRequestsAsked);
        var perRequestTokens = Math.Max(tokens, _lastTokens);
        var perRequestCost = Math.Max(cost, _lastCost);
        var freeBudget = _budget is { } budget ? Math.Max(0m, budget - _inFlightCost - _budgetSettled) : 0m;
        // Unknown holds (null: no answer yet, or no such limit, which the grain then ignores) ask for what this request needs.
        var minSlots = _slots is not { } slots || _inFlight >= slots ? 1 : 0;
        var minCost = Math.Max(0m, cost - freeBudget);
        return new KeyGrantAsk(
            MinTokens: tokens,
            MinParallel: minSlots,
            MinCost: minCost,
            Requests: (int)requests,
            Tokens: Math.Max(tokens, SaturatingMultiply(perRequestTokens, requests)),
            // A slot for each request waiting, growing by half of what is held (as a busy frontend keeps its slots).
            Parallel: minSlots == 0 ? 0 : Math.Max(_waiting, (_slots ?? 0) / 2 + 1),
            Budget: Math.Max(minCost, perRequestCost * requests - freeBudget));
    }

    private static long SaturatingMultiply(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;

    private async Task RunExchangeAsync(KeyGrantAsk? ask, bool closeOpen, TaskCompletionSource<KeyGrant?> done)
    {
        KeyGrantRequest request;
        long sentAt;
        lock (_gate)
        {
            ApplyCompletionsLocked();
            sentAt = _time.GetTimestamp();
            request = _unacknowledged ?? Build(ask, closeOpen, sentAt);
            _unacknowledged = request;
        }

        KeyGrant? answer = null;
        try
        {
            answer = await _grain.GrantAsync(request);
        }
        catch (Exception exception)
        {
            LogExchangeFailed(_logger, _keyId, exception);
        }

        lock (_gate)
        {
            ApplyCompletionsLocked();
            if (answer is not null)
            {
                _unacknowledged = null;
                Apply(request, answer, sentAt);
            }

            _exchange = null;
            ArmTimer(NextDue());
        }

        done.SetResult(answer);
    }

    private KeyGrantRequest Build(KeyGrantAsk? ask, bool closeOpen, long now)
    {
        if (_grantId != 0 && (closeOpen || now - _grantSentAt >= Ticks(_life)))
        {
            CloseGrant();
        }

        if (ask is null)
        {
            // Nothing is asked for: the free holds go back.
            if (_slots is { } slots && slots > _inFlight)
            {
                _parallelReturned += slots - _inFlight;
                _slots = _inFlight;
            }

            if (_budget is { } budget && budget - _inFlightCost - _budgetSettled is var free && free > 0m)
            {
                _budgetReturned += free;
                _budget = budget - free;
            }
        }
        else if (_slots is { } slots && slots > 2 * Math.Max(_inFlight, _peakInFlight) + 1)
        {
            // Slots far beyond what was used since the last exchange go back even while busy.
            _parallelReturned += slots - (Math.Max(_inFlight, _peakInFlight) + 1);
            _slots = Math.Max(_inFlight, _peakInFlight) + 1;
        }

        // What the open allowance's ended requests changed of their reservations since the grain last counted it
        // (admitted plus still usable, minus counted): reported now, so the key's window frees it before the
        // allowance closes.
        if (_grantId != 0 && _tokensLeft is { } usable && _tokensAdmitted + usable - _tokensCounted is var settledOpen and not 0)
        {
            _returns.Add(new KeyGrantReturn(_grantId, null, settledOpen));
            _tokensCounted += settledOpen;
        }

        var request = new KeyGrantRequest(
            _holder, ++_sequence, [.. _returns], [.. _settled, .. _settledByModel.Values], _budgetPeriod, _budgetSettled, _budgetReturned, _parallelReturned, _inFlight, ask);

        // The settled spend leaves the hold (the grain moves it to the key's spend); the rest is reported now.
        if (_budget is { } held)
        {
            _budget = held - _budgetSettled;
        }

        _returns.Clear();
        _settled.Clear();
        _settledByModel.Clear();
        _budgetSettled = 0m;
        _budgetReturned = 0m;
        _parallelReturned = 0;
        _peakInFlight = _inFlight;
        _lastExchangeAt = now;
        return request;
    }

    private void Apply(KeyGrantRequest request, KeyGrant answer, long sentAt)
    {
        if (answer.Replayed)
        {
            // Answered before (the first answer was lost): its allowance cannot be used, so all of it goes back.
            if (answer.Granted)
            {
                _returns.Add(new KeyGrantReturn(answer.GrantId, 0, -(answer.Tokens ?? 0)));
                _parallelReturned += answer.Parallel ?? 0;
                if (answer.BudgetPeriod == _budgetPeriod)
                {
                    _budgetReturned += answer.Budget ?? 0m;
                }
            }

            return;
        }

        _life = answer.Life;
        if (answer.BudgetPeriod != _budgetPeriod)
        {
            // A new budget period: what was held counts no more, and what ends from the old one is not charged.
            _budgetPeriod = answer.BudgetPeriod;
            _budget = _budget is null ? null : 0m;
            _inFlightCost = 0m;
            _budgetSettled = 0m;
        }

        if (!answer.Granted)
        {
            if (answer.Refused != KeyLimitKind.None)
            {
                var ask = request.Ask!;
                _refusal = (answer, ask.MinTokens, ask.MinCost, _time.GetTimestamp());
                var reuse = answer.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(Math.Min(seconds, RefusalReuse.TotalSeconds)) : RefusalReuse;
                _ = ClearRefusalAfter(answer, reuse);
                if (answer.Refused == KeyLimitKind.Revoked && _grantId != 0)
                {
                    CloseGrant();
                }
            }

            return;
        }

        _refusal = null;
        if (_grantId != 0)
        {
            CloseGrant();
        }

        _grantId = answer.GrantId;
        _grantSentAt = sentAt;
        _requestsGranted = answer.Requests;
        _tokensGranted = answer.Tokens;
        _requestsLeft = answer.Requests;
        _tokensLeft = answer.Tokens;
        _requestsUsed = 0;
        _tokensCounted = answer.Tokens ?? 0;
        _tokensAdmitted = 0;

        if (answer.Parallel is { } slots)
        {
            _slots = (_slots ?? 0) + slots;
        }
        else if (_slots is { } held)
        {
            // The key no longer limits parallel requests: what the grain counts for this frontend goes back.
            _parallelReturned += held;
            _slots = null;
        }

        if (answer.Budget is { } budget)
        {
            _budget = (_budget ?? 0m) + budget;
        }
        else if (_budget is { } heldBudget)
        {
            _budgetReturned += Math.Max(0m, heldBudget - _inFlightCost - _budgetSettled);
            _budget = null;
        }
    }

    private async Task ClearRefusalAfter(KeyGrant answer, TimeSpan after)
    {
        await Task.Delay(after, _time);
        lock (_gate)
        {
            ApplyCompletionsLocked();
            if (_refusal is { } refused && ReferenceEquals(refused.Answer, answer))
            {
                _refusal = null;
            }
        }
    }

    private void CloseGrant()
    {
        _returns.Add(new KeyGrantReturn(_grantId, _requestsUsed, _tokensAdmitted - _tokensCounted));
        _admittedUnderLast = _requestsUsed;
        _grantId = 0;
        _requestsLeft = 0;
        _tokensLeft = 0;
        _requestsGranted = null;
        _tokensGranted = null;
    }

    private bool HasSomethingToReport(long now, bool closeOpen) =>
        _unacknowledged is not null
        || (_grantId != 0 && (closeOpen || now - _grantSentAt >= Ticks(_life)))
        || _returns.Count > 0 || _settled.Count > 0 || _settledByModel.Count > 0 || _budgetSettled != 0m || _budgetReturned != 0m || _parallelReturned != 0
        || (_slots is { } slots && slots > _inFlight)
        || (_budget is { } budget && budget - _inFlightCost - _budgetSettled > 0m)
        || (_inFlight > 0 && now - _lastExchangeAt >= Ticks(KeepAlive));

    /// <summary>When the timer should next look: the open allowance's expiry, else soon when there is something to report, else the keep-alive.</summary>
    private long? NextDue()
    {
        var now = _time.GetTimestamp();
        if (_grantId != 0)
        {
            return _grantSentAt + Ticks(_life);
        }

        if (HasSomethingToReport(now, closeOpen: false))
        {
            return now + Ticks(_life);
        }

        return _inFlight > 0 ? _lastExchangeAt + Ticks(KeepAlive) : null;
    }

    private void ArmTimer(long? dueAt)
    {
        if (_disposed || dueAt is not { } due || (_timerDueAt is { } armed && armed <= due))
        {
            return;
        }

        _timerDueAt = due;
        var wait = TimeSpan.FromSeconds(Math.Max(0, due - _time.GetTimestamp()) / (double)_time.TimestampFrequency);
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        TaskCompletionSource<KeyGrant?>? mine = null;
        lock (_gate)
        {
            ApplyCompletionsLocked();
            _timerDueAt = null;
            if (_disposed)
            {
                return;
            }

            if (_exchange is not null)
            {
                // An exchange is under way; it re-arms the timer when it ends.
                return;
            }

            var now = _time.GetTimestamp();
            if ((_grantId != 0 && now - _grantSentAt < Ticks(_life)) || !HasSomethingToReport(now, closeOpen: false))
            {
                // A renewed allowance is open (a busy key keeps its holds), or nothing is due yet.
                ArmTimer(NextDue());
                return;
            }

            mine = new TaskCompletionSource<KeyGrant?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _exchange = mine.Task;
        }

        _ = RunExchangeAsync(null, closeOpen: false, mine);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
