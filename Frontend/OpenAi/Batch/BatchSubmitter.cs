using System.Collections.Immutable;
using Orleans.Configuration;
using Orleans.Serialization;
using OrleansGateway.Batch;

namespace OrleansGateway.Frontend.OpenAi.Batch;

/// <summary>
/// Submits batch jobs of any size in calls that each fit one Orleans message: the tasks go straight to the job's
/// task grains in bounded pieces (<see cref="TaskGroupWriter"/>), then the job grain gets a small submit naming how
/// many are stored. The one limit left is a single task larger than one message (Orleans'
/// <see cref="MessagingOptions.MaxMessageBodySize"/>, 100 MiB by default, less the call's envelope): measured with the
/// serializer Orleans uses before anything is recorded, it is a 413 naming the limit. Applied in every mode, so a job
/// accepted embedded is accepted in a cluster.
/// </summary>
public sealed class BatchSubmitter(
    IGrainFactory grains,
    Serializer serializer,
    IOptions<BatchOptions> options,
    IOptions<ClientMessagingOptions> clientMessaging,
    IOptions<SiloMessagingOptions> siloMessaging)
{
    /// <summary>The writer of task groups, with the smaller of the client's and the silo's message limits.</summary>
    public TaskGroupWriter Writer { get; } = new(
        key => grains.GetGrain<ITaskGrain>(key),
        serializer,
        TaskGroupWriter.MaxCallBytesFor(Math.Min(clientMessaging.Value.MaxMessageBodySize, siloMessaging.Value.MaxMessageBodySize)));

    /// <summary>Tasks per task grain of jobs submitted here.</summary>
    public int TasksPerGrain => options.Value.TasksPerGrain;

    /// <summary>The error for a single task of <paramref name="bytes"/> bytes, too large for one call.</summary>
    public GatewayError TooLarge(string what, long bytes, string param) =>
        new(GatewayErrorKind.PayloadTooLarge,
            $"{what} is {bytes} bytes as the gateway's cluster sends it, larger than the limit of {Writer.MaxCallBytes} bytes " +
            $"(Orleans' Messaging MaxMessageBodySize less {TaskGroupWriter.EnvelopeBytes} bytes for the call); make it smaller or raise the limit.")
        { Param = param };

    /// <summary>The error for the first task of <paramref name="tasks"/> too large for one call, or null when each fits.</summary>
    public GatewayError? Check(ImmutableArray<BatchTask> tasks)
    {
        for (var i = 0; i < tasks.Length; i++)
        {
            var bytes = Writer.SizeOf(tasks[i]);
            if (bytes > Writer.MaxCallBytes)
            {
                return TooLarge($"Task {i} ('{tasks[i].Id}')", bytes, $"tasks[{i}]");
            }
        }

        return null;
    }

    /// <summary>Stores <paramref name="spec"/>'s tasks in job <paramref name="jobId"/>'s task grains, then submits the job (no tasks, their count).</summary>
    public Task<BatchJobView> SubmitAsync(string jobId, BatchJobSpec spec)
    {
        var template = new TaskGrainSpec(jobId, spec.Model, 0, []) { MaxTokens = spec.MaxTokens, Temperature = spec.Temperature, TopP = spec.TopP, KeyId = spec.KeyId };
        return StoreThenRecordAsync(jobId, template, spec.Tasks.Length, async stream =>
        {
            foreach (var task in spec.Tasks)
            {
                await stream.AddAsync(task);
            }
        }, stored => grains.GetGrain<IBatchJobGrain>(jobId).SubmitAsync(spec with { Tasks = [], StoredTaskCount = stored, StoredTasksPerGrain = TasksPerGrain }));
    }

    /// <summary>
    /// Stores a job's tasks in its task grains (<paramref name="fill"/> adds the <paramref name="expectedTasks"/> tasks to the
    /// stream it is given), then records the job with <paramref name="record"/> (given how many were stored). The job grain
    /// is told first (<see cref="IBatchJobGrain.ReserveAsync"/>), so the groups of a submission whose process dies midway are
    /// discarded by its reminder after <see cref="BatchOptions.UnsubmittedGroupsTimeout"/>; one that fails here (a storage
    /// error, the client gone) waits for its writes in flight and discards the groups written at once, then fails.
    /// </summary>
    public async Task<T> StoreThenRecordAsync<T>(string jobId, TaskGrainSpec template, int expectedTasks, Func<TaskGroupStream, Task> fill, Func<int, Task<T>> record)
    {
        var job = grains.GetGrain<IBatchJobGrain>(jobId);
        var groups = TaskGrainKeys.GroupCount(expectedTasks, TasksPerGrain);
        await job.ReserveAsync(groups);
        var stream = Writer.Open(template, TasksPerGrain);
        try
        {
            await fill(stream);
            return await record(await stream.CompleteAsync());
        }
        catch (Exception)
        {
            await stream.SettleAsync();
            try
            {
                // Nothing when the job was recorded after all (its groups are then its own).
                await job.DiscardUnsubmittedAsync(Math.Max(groups, stream.GroupsStarted));
            }
            catch (Exception)
            {
                // The reservation's reminder discards them later.
            }

            throw;
        }
    }
}
