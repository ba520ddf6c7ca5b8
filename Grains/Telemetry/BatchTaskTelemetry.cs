using System.Diagnostics;

namespace OrleansGateway.Telemetry;

/// <summary>
/// The span of one batch task run (<see cref="SpanName"/>, kind internal, on <see cref="GatewayTelemetry.Source"/>),
/// parent of the task's provider-call spans, with a link to the span of the request that submitted its job.
/// The submitter's W3C <c>traceparent</c> travels in Orleans' <c>RequestContext</c> under <see cref="SubmitterKey"/>:
/// set by the submitting endpoint, stored with the job, and set again by the job for its calls to the task grains.
/// </summary>
public static class BatchTaskTelemetry
{
    /// <summary>The name of every batch task's span (the job and task are attributes, so names stay few).</summary>
    public const string SpanName = "batch task";

    /// <summary>The <c>RequestContext</c> key of the submitting request's span (a W3C <c>traceparent</c>).</summary>
    public const string SubmitterKey = "gw.batch.submitter";

    /// <summary>The traceparent of <paramref name="activity"/> (the current one when null), or null without one.</summary>
    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    /// <summary>Starts task <paramref name="index"/>'s span, linked to <paramref name="submitterTraceParent"/> when it parses; null while nobody listens.</summary>
    public static Activity? StartTask(string jobId, int index, string? submitterTraceParent)
    {
        if (!GatewayTelemetry.Source.HasListeners())
        {
            return null;
        }

        ActivityLink[]? links = submitterTraceParent is not null && ActivityContext.TryParse(submitterTraceParent, null, out var submitter)
            ? [new ActivityLink(submitter)]
            : null;
        var activity = GatewayTelemetry.Source.StartActivity(SpanName, ActivityKind.Internal, parentContext: default, tags: null, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GatewayTelemetry.BatchJobId, jobId);
            activity.SetTag(GatewayTelemetry.BatchTaskIndex, index);
        }

        return activity;
    }
}
