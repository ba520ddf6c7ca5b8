namespace OrleansGateway.Batch;

/// <summary>
/// Puts together a task group too large for one call from its pieces, sent in order from the first
/// (<see cref="TaskGrainSpec.PieceOffset"/>): the group is whole when its last piece is here. Not thread-safe.
/// </summary>
public sealed class TaskGroupPieces(string groupKey)
{
    private List<BatchTask>? _pieces;

    /// <summary>Tasks held from the pieces so far (0 when none is expected).</summary>
    public int Count => _pieces?.Count ?? 0;

    /// <summary>
    /// Takes <paramref name="spec"/>: false while more pieces of its group are expected. True when the group is here:
    /// <paramref name="whole"/> is then its assembled tasks, or null when <paramref name="spec"/> held the whole group itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">A piece out of order: the group must be sent again from its first piece.</exception>
    public bool TryComplete(TaskGrainSpec spec, out List<BatchTask>? whole)
    {
        whole = null;
        if (spec.GroupSize <= spec.Tasks.Length)
        {
            return true;
        }

        if (spec.PieceOffset == 0)
        {
            _pieces = new List<BatchTask>(spec.GroupSize);
        }
        else if (_pieces is null || _pieces.Count != spec.PieceOffset)
        {
            throw new InvalidOperationException(
                $"Task grain '{groupKey}' got the piece at {spec.PieceOffset} of its group while holding {_pieces?.Count ?? 0} tasks; the group must be sent again from its first piece.");
        }

        _pieces.AddRange(spec.Tasks);
        if (_pieces.Count < spec.GroupSize)
        {
            return false;
        }

        whole = _pieces;
        _pieces = null;
        return true;
    }

    /// <summary>Drops the pieces held so far.</summary>
    public void Clear() => _pieces = null;
}
