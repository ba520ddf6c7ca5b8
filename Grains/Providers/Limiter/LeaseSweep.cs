namespace OrleansGateway.Providers;

/// <summary>
/// Frees the slots whose holders are gone: leases not renewed within their time-to-live, and, once per
/// membership change, the leases held by silos the cluster has declared dead (their requests died with them),
/// at once rather than when their leases expire, so a crashed or stopped silo does not shrink the provider's
/// limit for a lease's time-to-live. A freed lease that was the circuit's trial is abandoned.
/// </summary>
public sealed class LeaseSweep(LeaseTable leases, CircuitBreaker circuit)
{
    private MembershipVersion _membershipChecked;

    /// <summary>Frees the leases of dead silos (when <paramref name="version"/> is new) and then the expired ones; answers how many of each.</summary>
    public LeaseSweepResult Sweep(MembershipVersion version, IEnumerable<ClusterMember> members)
    {
        var ofDeadSilos = FreeSlotsOfDeadSilos(version, members);
        var expired = leases.RemoveExpired();
        Abandon(expired);
        return new LeaseSweepResult(expired.Count, ofDeadSilos);
    }

    private int FreeSlotsOfDeadSilos(MembershipVersion version, IEnumerable<ClusterMember> members)
    {
        if (version == _membershipChecked || leases.Count == 0)
        {
            return 0;
        }

        _membershipChecked = version;
        HashSet<string>? dead = null;
        foreach (var member in members)
        {
            if (member.Status == SiloStatus.Dead)
            {
                (dead ??= new(StringComparer.Ordinal)).Add(member.SiloAddress.ToParsableString());
            }
        }

        if (dead is null)
        {
            return 0;
        }

        var freed = leases.RemoveHeldBy(dead.Contains);
        Abandon(freed);
        return freed.Count;
    }

    private void Abandon(IReadOnlyList<long> freed)
    {
        foreach (var id in freed)
        {
            circuit.Abandon(id);
        }
    }
}
