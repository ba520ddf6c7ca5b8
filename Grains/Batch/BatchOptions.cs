namespace OrleansGateway.Batch;

/// <summary>Batch jobs: the configuration section <c>Gateway:Batch</c>.</summary>
public sealed class BatchOptions
{
    /// <summary>The configuration section this binds to.</summary>
    public const string SectionName = "Gateway:Batch";

    /// <summary>Tasks one job may hold. Default: 100000.</summary>
    public int MaxTasksPerJob { get; set; } = 100_000;

    /// <summary>Largest <c>POST /v1/batch/generate</c> body, in bytes (413 beyond). Default: 256 MiB, room for 100,000 tasks of about 2 KiB each.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Largest <c>batch_metadata</c> object, in bytes of JSON. Default: 16 KiB.</summary>
    public int MaxMetadataBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Consecutive tasks held by one <c>TaskGrain</c> (inputs and results stored together). Default: 64.
    /// With Azure Table storage keep this times the largest output under 1 MiB; 1 gives one grain per task.
    /// </summary>
    public int TasksPerGrain { get; set; } = 64;

    /// <summary>
    /// Tasks of one job in flight at once (running or waiting for a provider slot). Default: twice
    /// the provider's <c>MaxConcurrency</c>, so the provider stays busy while finished slots are refilled.
    /// </summary>
    public int? MaxInFlightPerJob { get; set; }

    /// <summary>
    /// How long a task grain gathers finished results before it stores them in one write (a task
    /// is answered once its result is stored). Default: 20 ms, which turns a write per task into a
    /// write per several tasks without slowing a job whose in-flight window is larger than the provider's limit.
    /// </summary>
    public TimeSpan ResultWriteDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// A task result larger than this (serialized, bytes) is written once to its own blob before it is
    /// recorded; grain state keeps only its status and token counts. Default: 4 KiB, so a group's state stays
    /// small (64 results, a few KiB) whatever the provider answers. 0 puts every final result in a blob.
    /// </summary>
    public int MaxInlineResultBytes { get; set; } = 4 * 1024;

    /// <summary>
    /// A task group's inputs larger than this (serialized, bytes) are written to one blob at submission;
    /// grain state keeps only its name. Default: 256 KiB (Azure Table entities end at about 1 MiB).
    /// </summary>
    public int MaxInlineInputBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// How long a task keeps waiting for a provider that turns work away (circuit open, gateway
    /// queue full, rate limited after its retries) before it is recorded as failed; it retries
    /// after the provider's <c>Retry-After</c>. Default: 10 minutes, so a short outage does not fail a whole job.
    /// </summary>
    public TimeSpan ProviderWaitLimit { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the resume reminder of a running job fires (it restarts a job whose silo died). Default: 1 minute, the reminder service's minimum.</summary>
    public TimeSpan ResumeReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after a submitter starts storing a job's task groups itself (<c>POST /v1/batches</c>, <c>POST /v1/batch/generate</c>)
    /// the job must be submitted; if it is not (the submitter's process died midway), the job grain's reminder discards the
    /// groups written, their blobs too. A submit that fails with its process alive discards them at once. Default: 1 hour,
    /// far beyond the longest submit (a 50,000-line file is stored in under a minute).
    /// </summary>
    public TimeSpan UnsubmittedGroupsTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Jobs <c>GET /v1/batch</c> lists, newest first; older ones leave the list (each stays readable by its
    /// id). Default: 10000, whose registry record (about 60 bytes a job) stays well inside one Azure Table entity (1 MiB).
    /// </summary>
    public int MaxListedJobs { get; set; } = 10_000;

    /// <summary>
    /// How long an OpenAI batch's <c>completion_window</c> (<c>"24h"</c>, the only value accepted) really lasts: a
    /// batch unfinished then ends <c>expired</c>. Default: 24 hours; shorter for tests.
    /// </summary>
    public TimeSpan OpenAiCompletionWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The in-flight window for a provider of that concurrency.</summary>
    public int InFlightFor(int providerMaxConcurrency) => MaxInFlightPerJob ?? Math.Max(1, providerMaxConcurrency * 2);
}
