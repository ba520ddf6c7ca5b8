using OrleansGateway.Cluster;

namespace OrleansGateway.Hosting;

/// <summary>
/// Whether a pooled call (chat, embeddings) a frontend still waits for was lost, from what its grain answers when
/// asked (<see cref="IPooledCallGrain.GetCallStateAsync"/>) once a second or so after a silo left: lost when two
/// answers in a row say the grain does not know the call (it ran, or was queued, in an activation that is gone), or
/// that it finished there although its answer never came (the answer is kept there for a repeat to collect). One
/// such answer alone is not enough: a call can still be on its way when the first question arrives.
/// </summary>
public sealed class PooledCallVerdict
{
    /// <summary>Answers in a row that say the call is not running any more before it counts as lost.</summary>
    public const int AnswersToGiveUp = 2;

    private int _unknown;
    private int _finished;

    /// <summary>Takes one answer (null: none came in time, which says nothing) and tells whether the call is now lost.</summary>
    public bool IsLost(PooledCallState? answer)
    {
        switch (answer)
        {
            case PooledCallState.Running:
                _unknown = 0;
                _finished = 0;
                break;
            case PooledCallState.Unknown:
                _unknown++;
                _finished = 0;
                break;
            case PooledCallState.Finished:
                _finished++;
                _unknown = 0;
                break;
        }

        return _unknown >= AnswersToGiveUp || _finished >= AnswersToGiveUp;
    }
}
