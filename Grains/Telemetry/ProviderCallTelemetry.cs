using System.Diagnostics;

namespace OrleansGateway.Telemetry;

/// <summary>
/// The telemetry of one provider call attempt: its span (<c>chat {model}</c> or <c>embeddings {model}</c>, kind
/// client, per the GenAI conventions; null while nobody listens to <see cref="GatewayTelemetry.Source"/>) and its
/// measurements. Every retry and every fallback is an attempt of its own. Ended once, by <see cref="Succeeded"/> or
/// <see cref="Failed"/>; a stream's attempt is ended by the stream when it closes.
/// </summary>
public sealed class ProviderCallTelemetry
{
    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly string _operation;
    private readonly ProviderRoute _route;
    private readonly long _startedAt;
    private long _calledAt;
    private bool _firstChunkSeen;
    private int _ended;

    private ProviderCallTelemetry(GatewayMetrics metrics, TimeProvider time, string operation, ProviderRoute route, Activity? activity)
    {
        _metrics = metrics;
        _time = time;
        _operation = operation;
        _route = route;
        Activity = activity;
        _startedAt = time.GetTimestamp();
        _calledAt = _startedAt;
    }

    /// <summary>Whether the operation produces output tokens (embeddings do not).</summary>
    private bool HasOutput => _operation != ProviderCallContext.Embeddings;

    /// <summary>The attempt's span, or null while nobody listens.</summary>
    public Activity? Activity { get; }

    /// <summary>Starts an attempt of <paramref name="operation"/> (<c>chat</c>, <c>embeddings</c>) against <paramref name="route"/>.</summary>
    public static ProviderCallTelemetry Start(
        GatewayMetrics metrics, TimeProvider time, string operation, ProviderRoute route, string requestedModel,
        int candidate, int attempt, RequestPriority priority, bool streamed, string? batchJobId)
    {
        var activity = GatewayTelemetry.Source.StartActivity($"{operation} {route.Model}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GatewayTelemetry.OperationName, operation);
            activity.SetTag(GatewayTelemetry.ProviderName, route.Provider);
            activity.SetTag(GatewayTelemetry.RequestModel, route.Model);
            activity.SetTag(GatewayTelemetry.RequestedModel, requestedModel);
            activity.SetTag(GatewayTelemetry.Candidate, candidate);
            activity.SetTag(GatewayTelemetry.Attempt, attempt);
            activity.SetTag(GatewayTelemetry.Priority, priority == RequestPriority.Batch ? "batch" : "interactive");
            if (streamed)
            {
                activity.SetTag(GatewayTelemetry.Streamed, true);
            }

            if (batchJobId is not null)
            {
                activity.SetTag(GatewayTelemetry.BatchJobId, batchJobId);
            }
        }

        return new ProviderCallTelemetry(metrics, time, operation, route, activity);
    }

    /// <summary>The attempt holds its slot now: records how long it waited; the provider call starts.</summary>
    public void SlotAcquired(bool reused)
    {
        _calledAt = _time.GetTimestamp();
        var waited = _time.GetElapsedTime(_startedAt, _calledAt).TotalSeconds;
        if (_metrics.SlotWait.Enabled)
        {
            _metrics.SlotWait.Record(waited, Tags());
        }

        Activity?.SetTag(GatewayTelemetry.SlotWait, waited);
        Activity?.SetTag(GatewayTelemetry.SlotReused, reused);
    }

    /// <summary>A stream's first chunk arrived (recorded once).</summary>
    public void FirstChunk()
    {
        if (_firstChunkSeen)
        {
            return;
        }

        _firstChunkSeen = true;
        var seconds = _time.GetElapsedTime(_calledAt).TotalSeconds;
        if (_metrics.TimeToFirstChunk.Enabled)
        {
            _metrics.TimeToFirstChunk.Record(seconds, Tags());
        }

        Activity?.SetTag(GatewayTelemetry.TimeToFirstChunk, seconds);
    }

    /// <summary>Ends the attempt as answered, with what the answer said (usage null when unknown).</summary>
    public void Succeeded(string? responseId, string? finishReason, TokenUsage? usage)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        RecordDuration(null);
        if (usage is not null && _metrics.TokenUsage.Enabled)
        {
            var tags = Tags();
            tags.Add(GatewayTelemetry.ResponseModel, _route.Model);
            tags.Add(GatewayTelemetry.TokenType, "input");
            _metrics.TokenUsage.Record(usage.PromptTokens, tags);
            if (HasOutput)
            {
                tags = Tags();
                tags.Add(GatewayTelemetry.ResponseModel, _route.Model);
                tags.Add(GatewayTelemetry.TokenType, "output");
                _metrics.TokenUsage.Record(usage.CompletionTokens, tags);
            }
        }

        if (Activity is { } activity)
        {
            activity.SetTag(GatewayTelemetry.ResponseModel, _route.Model);
            if (responseId is not null)
            {
                activity.SetTag(GatewayTelemetry.ResponseId, responseId);
            }

            if (finishReason is not null)
            {
                activity.SetTag(GatewayTelemetry.FinishReasons, new[] { finishReason });
            }

            if (usage is not null)
            {
                activity.SetTag(GatewayTelemetry.InputTokens, usage.PromptTokens);
                if (HasOutput)
                {
                    activity.SetTag(GatewayTelemetry.OutputTokens, usage.CompletionTokens);
                }
            }

            activity.Dispose();
        }
    }

    /// <summary>Ends the attempt as failed with <paramref name="error"/>.</summary>
    public void Failed(GatewayError error)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        var type = ErrorTypeOf(error);
        RecordDuration(type);
        if (Activity is { } activity)
        {
            activity.SetTag(GatewayTelemetry.ErrorType, type);
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            activity.Dispose();
        }
    }

    /// <summary>
    /// The low-cardinality <c>error.type</c> of an error: the provider's HTTP status when it answered one,
    /// otherwise the gateway's error kind in snake case (<c>timeout</c>, <c>circuit_open</c>, <c>queue_full</c>).
    /// </summary>
    public static string ErrorTypeOf(GatewayError error) =>
        error.UpstreamStatus is { } status ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : error.Kind switch
        {
            GatewayErrorKind.InvalidRequest => "invalid_request",
            GatewayErrorKind.NotFound => "not_found",
            GatewayErrorKind.ProviderNotConfigured => "provider_not_configured",
            GatewayErrorKind.RateLimited => "rate_limited",
            GatewayErrorKind.QueueFull => "queue_full",
            GatewayErrorKind.Timeout => "timeout",
            GatewayErrorKind.Upstream => "upstream",
            GatewayErrorKind.CircuitOpen => "circuit_open",
            GatewayErrorKind.ProviderRejected => "provider_rejected",
            GatewayErrorKind.Cancelled => "cancelled",
            GatewayErrorKind.Unavailable => "unavailable",
            _ => "internal",
        };

    private void RecordDuration(string? errorType)
    {
        if (!_metrics.OperationDuration.Enabled)
        {
            return;
        }

        var tags = Tags();
        if (errorType is null)
        {
            tags.Add(GatewayTelemetry.ResponseModel, _route.Model);
        }
        else
        {
            tags.Add(GatewayTelemetry.ErrorType, errorType);
        }

        _metrics.OperationDuration.Record(_time.GetElapsedTime(_calledAt).TotalSeconds, tags);
    }

    private TagList Tags() => new()
    {
        { GatewayTelemetry.OperationName, _operation },
        { GatewayTelemetry.ProviderName, _route.Provider },
        { GatewayTelemetry.RequestModel, _route.Model },
    };
}
