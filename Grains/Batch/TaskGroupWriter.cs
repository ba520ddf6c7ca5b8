using System.Buffers;
using Orleans.Serialization;

namespace OrleansGateway.Batch;

/// <summary>
/// Writes a job's tasks straight to its <see cref="ITaskGrain"/>s, a group of <c>tasksPerGrain</c> consecutive
/// tasks per grain, in calls of at most <see cref="MaxPieceBytes"/> (a group larger than that goes in pieces,
/// one call each, in order), with <see cref="ParallelGroups"/> groups in flight. So no call of a submission is
/// larger than one task plus its envelope, whatever the job's size, and a submitter streaming its tasks
/// (<see cref="Open"/>) holds only the groups in flight. The one limit left is a single task larger than
/// <see cref="MaxCallBytes"/> (Orleans' <c>MaxMessageBodySize</c> less the call's envelope): <see cref="SizeOf"/> finds it beforehand.
/// </summary>
public sealed class TaskGroupWriter(Func<string, ITaskGrain> grainOf, Serializer serializer, long maxCallBytes)
{
    /// <summary>Room left in a message for a call's envelope (grain id, method, headers, the group's other fields).</summary>
    public const int EnvelopeBytes = 64 * 1024;

    /// <summary>Group writes in flight at once.</summary>
    public const int ParallelGroups = 8;

    /// <summary>The largest piece of a group sent in one call (a single larger task goes alone, up to <see cref="MaxCallBytes"/>).</summary>
    public const long PieceBytes = 4 * 1024 * 1024;

    /// <summary>The largest serialized task (or piece) one call may carry: the message limit less <see cref="EnvelopeBytes"/>.</summary>
    public long MaxCallBytes => maxCallBytes;

    /// <summary>The bytes a piece is filled to: <see cref="PieceBytes"/>, or less under a small message limit.</summary>
    public long MaxPieceBytes => Math.Min(PieceBytes, maxCallBytes);

    /// <summary>The largest serialized task a call may carry under a message limit of <paramref name="maxMessageBodySize"/> bytes.</summary>
    public static long MaxCallBytesFor(long maxMessageBodySize) => maxMessageBodySize - EnvelopeBytes;

    /// <summary>The serialized size of <paramref name="task"/>, as a call carries it.</summary>
    public long SizeOf(BatchTask task)
    {
        var counter = new CountingBufferWriter();
        serializer.Serialize(task, counter);
        return counter.Written;
    }

    /// <summary>Stores group <paramref name="group"/> (<paramref name="template"/>'s job, model and parameters; <paramref name="tasks"/> its tasks) in pieces that fit a call.</summary>
    public async Task WriteGroupAsync(TaskGrainSpec template, int group, IReadOnlyList<BatchTask> tasks)
    {
        var grain = grainOf(TaskGrainKeys.For(template.JobId, group));
        var start = 0;
        while (start < tasks.Count)
        {
            var end = start;
            long bytes = 0;
            while (end < tasks.Count)
            {
                var size = SizeOf(tasks[end]);
                if (end > start && bytes + size > MaxPieceBytes)
                {
                    break;
                }

                bytes += size;
                end++;
            }

            await grain.InitializeAsync(template with
            {
                Tasks = [.. tasks.Skip(start).Take(end - start)],
                GroupTaskCount = tasks.Count,
                PieceOffset = start,
            });
            start = end;
        }
    }

    /// <summary>A sink for the tasks of job <paramref name="template"/>'s <c>JobId</c>, in order: full groups are written as they fill.</summary>
    public TaskGroupStream Open(TaskGrainSpec template, int tasksPerGrain) => new(this, template, tasksPerGrain);

    /// <summary>Writes <paramref name="tasks"/> (the whole job) in groups of <paramref name="tasksPerGrain"/>; when one fails, it fails once no write is in flight.</summary>
    public async Task WriteAllAsync(TaskGrainSpec template, int tasksPerGrain, IEnumerable<BatchTask> tasks)
    {
        var stream = Open(template, tasksPerGrain);
        try
        {
            foreach (var task in tasks)
            {
                await stream.AddAsync(task);
            }

            await stream.CompleteAsync();
        }
        catch (Exception)
        {
            // No write outlives the failure: the caller may discard what was written.
            await stream.SettleAsync();
            throw;
        }
    }

    /// <summary>
    /// Counts what is written without keeping it: every counter hands out one shared scratch buffer (what lands there is
    /// never read, so concurrent counters may share it), so measuring a task allocates no buffer of its own. A size hint
    /// larger than the scratch buffer gets a buffer of that size for that counter alone.
    /// </summary>
    private sealed class CountingBufferWriter : IBufferWriter<byte>
    {
        private static readonly byte[] s_scratch = new byte[16 * 1024];
        private byte[] _buffer = s_scratch;

        public long Written { get; private set; }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Buffer(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Buffer(sizeHint);

        private byte[] Buffer(int sizeHint)
        {
            if (sizeHint > _buffer.Length)
            {
                _buffer = new byte[sizeHint];
            }

            return _buffer;
        }
    }
}
