using System.Runtime.CompilerServices;
using Orleans.Concurrency;
using Orleans.Placement;

namespace OrleansGateway.Streaming;

/// <summary>
/// One of a pool of activations that carry streams (keyed by pool slot, not per stream: activating a
/// grain for each stream cost about 0.1 ms before its first token). Reentrant, so the activation runs
/// many streams at once. Each stream is a <see cref="StreamSession"/> named by its caller, apart from the
/// grain call that reads it: a call lost with a gateway silo (its answer never arrives) leaves the stream
/// running here, and the caller's <see cref="ResumeAsync"/> through another gateway reads on from the events
/// it has, with nothing repeated or skipped. A stream nobody reads for <see cref="ResumeWindow"/> (its caller
/// is gone without <see cref="EndAsync"/>) is ended; an ended stream is kept that long for a lost last answer.
/// While its silo stops (<see cref="SiloStreamDrain"/>) it starts no new stream: the call fails as lost
/// with its silo, before any event, and the activation, once it carries no stream, deactivates, so the frontend's
/// next try lands on a silo that stays. Placed on the silo whose gateway took the first call (<see cref="PreferLocalPlacementAttribute"/>):
/// the pool spreads over the silos as the frontends' calls do over their gateways, and while a silo stops, its
/// clients have been told to stop sending through it, so no new activation is placed on it.
/// </summary>
[Reentrant]
[PreferLocalPlacement]
public sealed partial class ChatStreamGrain(ChatStreamExecutor executor, SiloStreamDrain drain, TimeProvider time, ILogger<ChatStreamGrain> logger) : Grain, IChatStreamGrain
{
    /// <summary>How long a stream waits for a reader to resume it, and an ended stream stays readable.</summary>
    public static readonly TimeSpan ResumeWindow = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan s_sweepPeriod = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Guid, StreamSession> _sessions = [];
    private IGrainTimer? _sweep;

    public IAsyncEnumerable<ChatStreamEvent> StreamAsync(Guid streamId, ChatRequest request, CancellationToken cancellationToken = default) =>
        ReadAsync(streamId, request, 0, cancellationToken);

    public IAsyncEnumerable<ChatStreamEvent> ResumeAsync(Guid streamId, int received, CancellationToken cancellationToken = default) =>
        ReadAsync(streamId, null, received, cancellationToken);

    public async Task EndAsync(Guid streamId)
    {
        if (_sessions.Remove(streamId, out var session))
        {
            await CloseAsync(session);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _sweep?.Dispose();
        var sessions = _sessions.Values.ToList();
        _sessions.Clear();
        foreach (var session in sessions)
        {
            await CloseAsync(session);
        }
    }

    /// <summary>
    /// One grain enumeration of a stream: from event <paramref name="next"/> on, until the stream's last event,
    /// a newer reader of the same stream, or this enumeration's cancellation (which leaves the stream open).
    /// </summary>
    private async IAsyncEnumerable<ChatStreamEvent> ReadAsync(Guid streamId, ChatRequest? request, int next, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(streamId, out var session))
        {
            if (request is null)
            {
                Log.ResumeUnknown(logger, streamId, next);
                yield return ChatStreamEvent.Failed(new GatewayError(GatewayErrorKind.Internal, "The stream was lost with the silo that ran it; try again."));
                yield break;
            }

            if (drain.IsStopping)
            {
                // Fails at the first MoveNext, before any event, as a call lost with its silo would. Without streams of
                // its own the activation goes, so the caller's next try of this key is placed on a silo that stays.
                if (_sessions.Count == 0)
                {
                    DeactivateOnIdle();
                }

                throw new SiloUnavailableException("This silo is stopping and starts no new stream; start it on another grain.");
            }

            session = Open(streamId, request);
        }
        else if (request is null)
        {
            Log.Resumed(logger, streamId, next, session.Produced);
        }

        var reader = session.Attach();
        try
        {
            while (!session.IsSuperseded(reader))
            {
                if (session.TryGet(next) is { } item)
                {
                    next++;
                    yield return item;
                    if (item.Kind != ChatStreamEventKind.Delta)
                    {
                        yield break;
                    }

                    continue;
                }

                if (session.Ended)
                {
                    yield break;
                }

                await session.PullAsync().WaitAsync(cancellationToken);
            }
        }
        finally
        {
            session.Detach(reader);
        }
    }

    private StreamSession Open(Guid streamId, ChatRequest request)
    {
        var lifetime = new CancellationTokenSource();
        drain.StreamStarted();
        var session = new StreamSession(executor.StreamAsync(request, lifetime.Token).GetAsyncEnumerator(lifetime.Token), lifetime, time, drain);
        _sessions.Add(streamId, session);
        _sweep ??= this.RegisterGrainTimer(SweepAsync, new GrainTimerCreationOptions(s_sweepPeriod, s_sweepPeriod) { Interleave = true, KeepAlive = false });
        return session;
    }

    /// <summary>Ends the streams nobody read for <see cref="ResumeWindow"/> and forgets ended ones as old.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        List<(Guid Id, StreamSession Session)>? expired = null;
        foreach (var (id, session) in _sessions)
        {
            if (session.IdleSince is { } since && time.GetElapsedTime(since) >= ResumeWindow)
            {
                (expired ??= []).Add((id, session));
            }
        }

        foreach (var (id, session) in expired ?? [])
        {
            _sessions.Remove(id);
            if (!session.Ended)
            {
                Log.Abandoned(logger, id, ResumeWindow);
            }

            await CloseAsync(session);
        }

        if (_sessions.Count == 0)
        {
            _sweep?.Dispose();
            _sweep = null;
            if (drain.IsStopping)
            {
                DeactivateOnIdle();
            }
        }
    }

    private static Task CloseAsync(StreamSession session) => session.CloseAsync();
}
