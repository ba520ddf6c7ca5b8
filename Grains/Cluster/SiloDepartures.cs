using Orleans.Runtime;

namespace OrleansGateway.Cluster;

/// <summary>
/// Whether a silo has left the cluster (begun to stop, or died) lately, as this silo's membership view tells.
/// Only then can a grain call's answer be lost on its way back through the leaving silo's client gateway, so
/// only then do <see cref="JoinableCalls{T}"/> keep finished answers for a caller that repeats its call.
/// </summary>
public sealed class SiloDepartures : IDisposable
{
    /// <summary>How long after a silo left answers are kept for repeated calls.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private long _lastDeparture;

    /// <summary>Watches this silo's membership view for silos that stop being active.</summary>
    public SiloDepartures(IClusterMembershipService membership, TimeProvider time)
        : this(time) => _ = WatchAsync(membership, _stop.Token);

    /// <summary>Without a membership view: departures are only those <see cref="Record"/>ed.</summary>
    public SiloDepartures(TimeProvider time) => _time = time;

    /// <summary>Whether a silo left within the last <see cref="Window"/>.</summary>
    public bool Recent
    {
        get
        {
            var last = Volatile.Read(ref _lastDeparture);
            return last != 0 && _time.GetElapsedTime(last) < Window;
        }
    }

    /// <summary>Records a departure now (what the membership watch does when a silo stops being active).</summary>
    public void Record() => Volatile.Write(ref _lastDeparture, Math.Max(1, _time.GetTimestamp()));

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task WatchAsync(IClusterMembershipService membership, CancellationToken cancellationToken)
    {
        try
        {
            ClusterMembershipSnapshot? previous = null;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (previous is not null && snapshot.CreateUpdate(previous).Changes.Any(static m => m.Status != SiloStatus.Active && m.Status != SiloStatus.Joining && m.Status != SiloStatus.Created))
                {
                    Record();
                }

                previous = snapshot;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
