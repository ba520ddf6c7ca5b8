using System.Diagnostics;

namespace OrleansGateway.Tests.Streaming;

/// <summary>Reads a <c>text/event-stream</c> body event by event, as it arrives.</summary>
public sealed class SseReader(Stream body) : IDisposable
{
    private readonly StreamReader _reader = new(body, Encoding.UTF8);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The next event or comment, or null at the end of the stream.</summary>
    public async Task<SseItem?> ReadAsync(CancellationToken cancellationToken = default)
    {
        StringBuilder? data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return new SseItem(data.ToString(), null, _clock.Elapsed);
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                return new SseItem(null, line[1..].Trim(), _clock.Elapsed);
            }

            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                var value = line["data:".Length..];
                value = value.StartsWith(' ') ? value[1..] : value;
                data = data is null ? new StringBuilder(value) : data.Append('\n').Append(value);
            }
        }

        return data is null ? null : new SseItem(data.ToString(), null, _clock.Elapsed);
    }

    /// <summary>The next data event, skipping comments, or null at the end.</summary>
    public async Task<SseItem?> ReadEventAsync(CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken) is { } item)
        {
            if (!item.IsComment)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Every remaining item, comments included.</summary>
    public async Task<List<SseItem>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var items = new List<SseItem>();
        while (await ReadAsync(cancellationToken) is { } item)
        {
            items.Add(item);
        }

        return items;
    }

    public void Dispose() => _reader.Dispose();
}
