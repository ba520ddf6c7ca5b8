namespace OrleansGateway.Batch;

/// <summary>
/// The pause before a job's next pass over its unfinished tasks (calls lost with a silo, tasks a
/// provider turned away): none after the first pass, then 200 ms doubling up to <see cref="MaxPause"/>;
/// a pass that finished tasks starts the sequence again, and a provider's <c>Retry-After</c> is waited out.
/// </summary>
public sealed class PassPacer
{
    /// <summary>The first pause after a pass without progress.</summary>
    public static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause.</summary>
    public static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);

    private TimeSpan _last = TimeSpan.Zero;
    private bool _first = true;

    /// <summary>
    /// The pause after a pass: <paramref name="progressed"/> when it finished tasks,
    /// <paramref name="retryAfter"/> the longest wait a provider asked for, if any.
    /// </summary>
    public TimeSpan Next(bool progressed, TimeSpan? retryAfter = null)
    {
        TimeSpan pause;
        if (_first || progressed)
        {
            _first = false;
            pause = TimeSpan.Zero;
        }
        else
        {
            pause = _last == TimeSpan.Zero ? FirstPause : TimeSpan.FromTicks(Math.Min(_last.Ticks * 2, MaxPause.Ticks));
        }

        _last = pause;
        if (retryAfter is { } wait && wait > pause)
        {
            pause = wait < MaxPause ? wait : MaxPause;
        }

        return pause;
    }
}
