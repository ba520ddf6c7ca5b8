using System.Diagnostics;

namespace OrleansGateway.Telemetry;

/// <summary>
/// The gateway's one <see cref="ActivitySource"/> and the name of its one <see cref="System.Diagnostics.Metrics.Meter"/>
/// (created per host by <see cref="GatewayMetrics"/>), and the attribute names its spans and instruments use:
/// the OpenTelemetry GenAI conventions' where they have one, <c>gateway.*</c> for the rest. A host exports them by
/// registering <see cref="ActivitySourceName"/> with its tracer and <see cref="MeterName"/> with its meter provider.
/// </summary>
public static class GatewayTelemetry
{
    /// <summary>The name of the gateway's <see cref="ActivitySource"/>.</summary>
    public const string ActivitySourceName = "OrleansGateway";

    /// <summary>The name of the gateway's meter.</summary>
    public const string MeterName = "OrleansGateway";

    /// <summary>The source of the provider-call spans. Starts nothing (returns null) while nobody listens.</summary>
    public static ActivitySource Source { get; } = new(ActivitySourceName, typeof(GatewayTelemetry).Assembly.GetName().Version?.ToString());

    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string FinishReasons = "gen_ai.response.finish_reasons";
    public const string ResponseId = "gen_ai.response.id";
    public const string TokenType = "gen_ai.token.type";
    public const string ErrorType = "error.type";

    /// <summary>The model the client asked for (<c>provider/model</c>), which a fallback attempt differs from.</summary>
    public const string RequestedModel = "gateway.requested_model";

    /// <summary>The attempt's number within its candidate, from 1 (2 and on are retries).</summary>
    public const string Attempt = "gateway.attempt";

    /// <summary>The candidate's place in the fallback order, from 0 (the requested model; 1 and on are fallbacks).</summary>
    public const string Candidate = "gateway.candidate";

    /// <summary>interactive or batch.</summary>
    public const string Priority = "gateway.priority";

    /// <summary>Seconds the attempt waited for its provider slot.</summary>
    public const string SlotWait = "gateway.slot.wait";

    /// <summary>Whether the slot was one the process kept from an earlier request (no grain call).</summary>
    public const string SlotReused = "gateway.slot.reused";

    /// <summary>Whether the call streamed its answer.</summary>
    public const string Streamed = "gateway.stream";

    /// <summary>Seconds from the attempt's start to its stream's first chunk.</summary>
    public const string TimeToFirstChunk = "gateway.time_to_first_chunk";

    /// <summary>The batch job a task's call ran for.</summary>
    public const string BatchJobId = "gateway.batch.job_id";

    /// <summary>A batch job's status on the <c>gateway.batch.jobs</c> gauge: queued, processing, completed, failed, cancelled, expired.</summary>
    public const string BatchStatus = "gateway.batch.status";

    /// <summary>A batch task's state on the <c>gateway.batch.tasks</c> gauge: completed, failed, pending.</summary>
    public const string BatchTaskState = "gateway.batch.task.state";

    /// <summary>The index of a batch task within its job (on the task's span).</summary>
    public const string BatchTaskIndex = "gateway.batch.task.index";
}
