namespace OrleansGateway.Streaming;

/// <summary>
/// One stream carried by a <see cref="ChatStreamGrain"/>, apart from the grain calls that read it: the executor's
/// enumeration, the events it produced numbered from 0, and which reader (one grain enumeration) reads it now.
/// A reader that goes away (its call was lost with a gateway, or its enumerator was disposed) leaves the stream
/// open; a new reader resumes from the number of events its caller already has, and the one it supersedes stops
/// reading. Events are pulled from the provider only when a reader asks, so the stream is never further ahead of
/// its caller than one Orleans batch (100 events) plus one; the last <see cref="ReplayWindow"/> or more are kept.
/// Counted open in <see cref="SiloStreamDrain"/> from its creation to its end.
/// Runs on its grain's scheduler only (no locks).
/// </summary>
internal sealed class StreamSession(IAsyncEnumerator<ChatStreamEvent> source, CancellationTokenSource lifetime, TimeProvider time, SiloStreamDrain drain)
{
    /// <summary>Events kept behind the newest, at least: far more than one lost batch of 100.</summary>
    public const int ReplayWindow = 512;

    private readonly List<ChatStreamEvent> _events = [];
    private int _first;
    private Task? _pull;
    private int _reader;
    private int _lastReader;

    /// <summary>Whether the executor's enumeration has ended (its terminal event is kept) or the stream was closed.</summary>
    public bool Ended { get; private set; }

    /// <summary>Whether the stream was closed before its end (its consumer left or nobody resumed it in time).</summary>
    public bool Closed { get; private set; }

    /// <summary>When it ended, or when its last reader went away without a successor; null while read or open.</summary>
    public long? IdleSince { get; private set; }

    /// <summary>Events produced so far (numbered 0 to <c>Produced - 1</c>).</summary>
    public int Produced => _first + _events.Count;

    /// <summary>Makes a new reader the current one (the previous, if any, stops at its next step); returns its ticket.</summary>
    public int Attach()
    {
        _reader = ++_lastReader;
        IdleSince = Ended ? IdleSince : null;
        return _reader;
    }

    /// <summary>A reader went away; the stream waits for a successor from now on.</summary>
    public void Detach(int reader)
    {
        if (_reader == reader)
        {
            _reader = 0;
            IdleSince ??= time.GetTimestamp();
        }
    }

    /// <summary>Whether <paramref name="reader"/> has been superseded by a newer reader.</summary>
    public bool IsSuperseded(int reader) => _reader != reader;

    /// <summary>
    /// Event number <paramref name="index"/> when it is produced; a failed event when it is no longer kept;
    /// null when it is not produced yet (or never will be: check <see cref="Ended"/>).
    /// </summary>
    public ChatStreamEvent? TryGet(int index)
    {
        if (index < _first)
        {
            return ChatStreamEvent.Failed(new GatewayError(GatewayErrorKind.Internal, "The stream could not be resumed where it was cut; try again."));
        }

        return index < Produced ? _events[index - _first] : null;
    }

    /// <summary>Completes when the next event is produced or the enumeration ends (one pull from the executor at a time).</summary>
    public Task PullAsync()
    {
        if (_pull is { IsCompleted: false } pending)
        {
            return pending;
        }

        return Ended ? Task.CompletedTask : _pull = PullOneAsync();
    }

    /// <summary>Ends the stream now: cancels the provider request and releases its slot.</summary>
    public async Task CloseAsync()
    {
        if (Closed)
        {
            return;
        }

        Closed = true;
        if (Ended)
        {
            return;
        }

        MarkEnded();

        await lifetime.CancelAsync();
        if (_pull is { } pull)
        {
            await pull.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await DisposeSourceAsync();
    }

    private async Task PullOneAsync()
    {
        try
        {
            if (await source.MoveNextAsync())
            {
                var next = source.Current;
                Append(next);
                if (next.Kind != ChatStreamEventKind.Delta)
                {
                    // Nothing follows a terminal event: end the enumeration now, so the slot goes back at once.
                    await EndAsync();
                }
            }
            else
            {
                await EndAsync();
            }
        }
        catch (Exception) when (Closed)
        {
            // Cancelled by CloseAsync, which disposes the enumeration.
        }
        catch (Exception exception)
        {
            Append(ChatStreamEvent.Failed(new GatewayError(GatewayErrorKind.Internal, $"The stream failed: {exception.GetType().Name}.")));
            await EndAsync();
        }
    }

    private async Task EndAsync()
    {
        if (Ended)
        {
            return;
        }

        MarkEnded();
        await DisposeSourceAsync();
    }

    private void MarkEnded()
    {
        Ended = true;
        IdleSince = time.GetTimestamp();
        drain.StreamEnded();
    }

    private async Task DisposeSourceAsync()
    {
        try
        {
            await source.DisposeAsync();
        }
        catch (Exception)
        {
            // The executor's enumeration cleans up in its own finally blocks; nothing is left to do here.
        }
        finally
        {
            lifetime.Dispose();
        }
    }

    private void Append(ChatStreamEvent next)
    {
        _events.Add(next);
        if (_events.Count >= 2 * ReplayWindow)
        {
            _events.RemoveRange(0, ReplayWindow);
            _first += ReplayWindow;
        }
    }
}
