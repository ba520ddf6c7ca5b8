using System.Buffers;
using System.Globalization;
using OrleansGateway.Batch;
using OrleansGateway.Telemetry;

namespace OrleansGateway.Frontend.OpenAi.Batch;

/// <summary>
/// Batch jobs under <c>/v1/batch</c>: submit, read (with paged results, or the counters alone),
/// stream results as JSON Lines, cancel, and list.
/// </summary>
public static partial class BatchApi
{
    /// <summary>Results per page when <c>results_limit</c> is not given.</summary>
    public const int DefaultResultsLimit = 1000;

    /// <summary>The largest <c>results_limit</c>.</summary>
    public const int MaxResultsLimit = 10_000;

    /// <summary>Jobs per page of <c>GET /v1/batch</c> when <c>limit</c> is not given, and the largest.</summary>
    public const int DefaultListLimit = 20, MaxListLimit = 100;

    private const int StreamPageSize = 1000;

    public static RouteGroupBuilder MapBatchApi(this RouteGroupBuilder v1)
    {
        // A job belongs to the key that submitted it (KeyOwnership): a virtual key sees and pays for its own only.
        var batch = v1.MapGroup("/batch");
        batch.MapPost("/generate", SubmitAsync)
            .WithJsonBodyLimit(services => services.GetRequiredService<IOptions<BatchOptions>>().Value.MaxRequestBodyBytes);
        batch.MapGet("/", ListAsync);
        batch.MapGet("/{jobId}", GetAsync);
        batch.MapGet("/{jobId}/results", StreamResultsAsync);
        batch.MapPost("/{jobId}/cancel", CancelAsync);
        return v1;
    }

    /// <summary><c>POST /v1/batch/generate</c>: validates, records the job durably, answers <c>queued</c>.</summary>
    public static async Task<Results<FileContentHttpResult, ErrorResult>> SubmitAsync(
        JsonBody<BatchGenerateRequest> body, HttpContext context, ModelResolver models, IOptions<BatchOptions> options, BatchSubmitter submitter, IGrainFactory grains, ILoggerFactory loggers)
    {
        var (spec, error) = BatchRequestMapper.ToSpec(body.Value, models, options.Value);
        if (spec is null)
        {
            return new ErrorResult(error!);
        }

        if (KeyOwnership.Caller(context) is { } key)
        {
            // The job's one model must be the key's to use; its tasks then pass the key's limits as they run.
            if (KeyGate.Refusal(key, spec.Model, "model") is { } refused)
            {
                return new ErrorResult(refused);
            }

            spec = spec with { KeyId = key.Id };
        }

        if (submitter.Check(spec.Tasks) is { } tooLarge)
        {
            // Orleans would refuse the call carrying that task the same way every time.
            return new ErrorResult(tooLarge);
        }

        var jobId = "batch_" + Guid.NewGuid().ToString("N");
        BatchJobView view;
        try
        {
            // The job's task spans link to this request's span (nothing is set while nothing traces).
            if (BatchTaskTelemetry.TraceParentOf(System.Diagnostics.Activity.Current) is { } parent)
            {
                RequestContext.Set(BatchTaskTelemetry.SubmitterKey, parent);
            }

            // The tasks go to the task grains in calls that fit a message; the job's submit names how many.
            view = await submitter.SubmitAsync(jobId, spec);
        }
        catch (Exception exception)
        {
            LogSubmitFailed(loggers.CreateLogger(typeof(BatchApi)), jobId, exception);
            return new ErrorResult(new GatewayError(GatewayErrorKind.Unavailable, "The batch job could not be recorded; nothing was started. Try again."));
        }

        var response = new BatchSubmitResponse(view.JobId, "batch.job", StatusName(view.Status), view.SubmittedAt.ToUnixTimeSeconds(), view.TaskCount, Metadata(view.MetadataJson));
        return BufferedJson.Ok(response, GatewayJsonContext.Default.BatchSubmitResponse);
    }

    /// <summary><c>GET /v1/batch/{job_id}</c>: the document; results paged by <c>results_offset</c>/<c>results_limit</c>, none with <c>include_results=false</c>.</summary>
    public static async Task<Results<FileContentHttpResult, ErrorResult>> GetAsync(string jobId, HttpRequest request, IGrainFactory grains)
    {
        if (!TryReadBool(request, "include_results", true, out var includeResults, out var error)
            || !TryReadInt(request, "results_offset", 0, 0, int.MaxValue, out var offset, out error)
            || !TryReadInt(request, "results_limit", DefaultResultsLimit, 1, MaxResultsLimit, out var limit, out error))
        {
            return new ErrorResult(error!);
        }

        var job = grains.GetGrain<IBatchJobGrain>(jobId);
        var view = await job.GetAsync();
        if (view is null || !KeyOwnership.Sees(request.HttpContext, view.KeyId))
        {
            return NotFound(jobId);
        }

        var response = ToResponse(view);
        if (includeResults)
        {
            var results = await job.GetResultsAsync(offset, limit);
            response = response with
            {
                Results = [.. results.Select(r => ToItem(r, view.Status))],
                ResultsOffset = offset,
                ResultsLimit = limit,
                HasMoreResults = (long)offset + results.Length < view.TaskCount,
            };
        }

        return BufferedJson.Ok(response, GatewayJsonContext.Default.BatchJobResponse);
    }

    /// <summary><c>GET /v1/batch/{job_id}/results</c>: every result, one JSON object per line, in task order.</summary>
    public static async Task<Results<PushStreamHttpResult, ErrorResult>> StreamResultsAsync(string jobId, HttpContext context, IGrainFactory grains, CancellationToken aborted)
    {
        var job = grains.GetGrain<IBatchJobGrain>(jobId);
        var view = await job.GetAsync();
        if (view is null || !KeyOwnership.Sees(context, view.KeyId))
        {
            return NotFound(jobId);
        }

        return TypedResults.Stream(body => WriteResultsAsync(job, view, body, aborted), "application/jsonl; charset=utf-8");
    }

    private static async Task WriteResultsAsync(IBatchJobGrain job, BatchJobView view, Stream body, CancellationToken aborted)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using var writer = new Utf8JsonWriter(buffer);
        for (var offset = 0; offset < view.TaskCount; offset += StreamPageSize)
        {
            var page = await job.GetResultsAsync(offset, StreamPageSize);
            foreach (var result in page)
            {
                JsonSerializer.Serialize(writer, ToItem(result, view.Status), GatewayJsonContext.Default.BatchResultItem);
                writer.Flush();
                writer.Reset();
                buffer.Write("\n"u8);
            }

            await body.WriteAsync(buffer.WrittenMemory, aborted);
            buffer.ResetWrittenCount();
            if (page.Length < StreamPageSize)
            {
                break;
            }
        }
    }

    /// <summary><c>POST /v1/batch/{job_id}/cancel</c>.</summary>
    public static async Task<Results<FileContentHttpResult, ErrorResult>> CancelAsync(string jobId, HttpContext context, IGrainFactory grains)
    {
        var job = grains.GetGrain<IBatchJobGrain>(jobId);
        if (await job.GetAsync() is not { } current || !KeyOwnership.Sees(context, current.KeyId))
        {
            return NotFound(jobId);
        }

        var view = await job.CancelAsync();
        return view is null ? NotFound(jobId) : BufferedJson.Ok(ToResponse(view), GatewayJsonContext.Default.BatchJobResponse);
    }

    /// <summary><c>GET /v1/batch</c>: jobs newest first (a virtual key's own only); <c>limit</c> (1–100, default 20) and <c>after</c> (a job id) page them.</summary>
    public static async Task<Results<FileContentHttpResult, ErrorResult>> ListAsync(HttpRequest request, IGrainFactory grains)
    {
        if (!TryReadInt(request, "limit", DefaultListLimit, 1, MaxListLimit, out var limit, out var error))
        {
            return new ErrorResult(error!);
        }

        var after = request.Query["after"].ToString();
        var page = await grains.GetGrain<IBatchRegistryGrain>(BatchRegistry.Key).ListAsync(string.IsNullOrEmpty(after) ? null : after, limit, KeyOwnership.Caller(request.HttpContext)?.Id);
        var views = await Task.WhenAll(page.Ids.Select(id => grains.GetGrain<IBatchJobGrain>(id).GetAsync()));
        var data = views.OfType<BatchJobView>().Select(ToResponse).ToList();
        return BufferedJson.Ok(
            new BatchListResponse("list", data, data.FirstOrDefault()?.JobId, data.LastOrDefault()?.JobId, page.HasMore),
            GatewayJsonContext.Default.BatchListResponse);
    }

    /// <summary>The document of a job, without results.</summary>
    public static BatchJobResponse ToResponse(BatchJobView view) =>
        new(view.JobId, "batch.job", StatusName(view.Status), view.Model,
            view.SubmittedAt.ToUnixTimeSeconds(), view.StartedAt?.ToUnixTimeSeconds(), view.CompletedAt?.ToUnixTimeSeconds(),
            view.TaskCount, view.CompletedCount, view.FailedCount, OpenAiUsage.From(view.Usage), view.Error, Metadata(view.MetadataJson));

    /// <summary>A task's result; a task of a cancelled job that never ran reads <c>cancelled</c>.</summary>
    public static BatchResultItem ToItem(BatchTaskResult result, BatchJobStatus jobStatus)
    {
        var status = result.Status switch
        {
            BatchTaskStatus.Completed => "completed",
            BatchTaskStatus.Failed => "failed",
            _ when jobStatus == BatchJobStatus.Cancelled => "cancelled",
            _ => "pending",
        };
        return new BatchResultItem(result.Id, result.Index, status, result.Output, result.Usage is { } usage ? OpenAiUsage.From(usage) : null, result.Error);
    }

    private static string StatusName(BatchJobStatus status) => status switch
    {
        BatchJobStatus.Queued => "queued",
        BatchJobStatus.Processing => "processing",
        BatchJobStatus.Completed => "completed",
        BatchJobStatus.Failed => "failed",
        BatchJobStatus.Cancelled => "cancelled",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The stored <c>batch_metadata</c>, or null when the stored text cannot be written back as JSON
    /// (a record from older code that accepted a lone surrogate): one bad record never breaks reading
    /// that job, its cancel or the list for everyone else.
    /// </summary>
    public static JsonElement? Metadata(string? json)
    {
        if (json is null)
        {
            return null;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        if (JsonStringValidator.FindInvalidString(bytes) is not null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ErrorResult NotFound(string jobId) => ErrorResult.NotFound($"No batch job '{jobId}'.", "job_id", "batch_not_found");

    private static bool TryReadInt(HttpRequest request, string name, int fallback, int min, int max, out int value, out GatewayError? error)
    {
        error = null;
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = GatewayError.Invalid($"Invalid '{name}' '{text}': expected an integer between {min} and {max}.", name);
            return false;
        }

        return true;
    }

    private static bool TryReadBool(HttpRequest request, string name, bool fallback, out bool value, out GatewayError? error)
    {
        error = null;
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        if (!bool.TryParse(text, out value))
        {
            error = GatewayError.Invalid($"Invalid '{name}' '{text}': expected true or false.", name);
            return false;
        }

        return true;
    }

    [LoggerMessage(EventId = 2500, Level = LogLevel.Error, Message = "Batch {JobId}: submission failed")]
    private static partial void LogSubmitFailed(ILogger logger, string jobId, Exception exception);
}
