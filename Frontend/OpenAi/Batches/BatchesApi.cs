using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansGateway.Batch;
using OrleansGateway.Files;
using OrleansGateway.Storage;

namespace OrleansGateway.Frontend.OpenAi.Batches;

/// <summary>
/// OpenAI's Batch API under <c>/v1/batches</c>, run on the gateway's durable batch engine: create (the input file
/// read and every line checked before anything runs), read, cancel, list (newest first). Each batch is an
/// <see cref="IOpenAiBatchGrain"/> over an <see cref="IBatchJobGrain"/> of the same id; its output and error files
/// are written from the stored results when downloaded (<see cref="BatchOutputFile"/>).
/// </summary>
public static partial class BatchesApi
{
    /// <summary>Batches per page of <c>GET /v1/batches</c> by default and at most (as OpenAI's).</summary>
    public const int DefaultListLimit = 20, MaxListLimit = 100;

    /// <summary>Largest <c>POST /v1/batches</c> body (it holds ids and metadata only).</summary>
    public const int MaxCreateBodyBytes = 64 * 1024;

    public static RouteGroupBuilder MapBatchesApi(this RouteGroupBuilder v1)
    {
        var batches = v1.MapGroup("/batches");
        batches.MapPost("/", CreateAsync);
        batches.MapGet("/", ListAsync);
        batches.MapGet("/{batchId}", GetAsync);
        batches.MapPost("/{batchId}/cancel", CancelAsync);
        return v1;
    }

    /// <summary>
    /// <c>POST /v1/batches</c>: checks the body and every input line (a streamed pass over the file), then stores the
    /// lines' tasks straight in the job's task grains (a second streamed pass, in calls that fit one Orleans message)
    /// and records the batch with a small call (failed with the line errors, or running).
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ErrorResult>> CreateAsync(
        HttpContext context, IGrainFactory grains, IBlobStore blobs, BatchInputReader lines, BatchSubmitter submitter, IOptions<BatchOptions> options, ILoggerFactory loggers)
    {
        var bytes = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (bytes is null)
        {
            return new ErrorResult(new GatewayError(GatewayErrorKind.PayloadTooLarge, $"The request body is larger than {MaxCreateBodyBytes} bytes."));
        }

        var (body, error) = BatchCreateBody.Parse(bytes);
        if (body is null)
        {
            return new ErrorResult(error!);
        }

        // The input file must be the caller's own (another key's is not found, as on /v1/files).
        var file = await Files.FilesApi.FindAsync(body.InputFileId, context, grains);
        if (file is null || await OpenAsync(blobs, file, context.RequestAborted) is not { } content)
        {
            return NotFound($"No such File object: {body.InputFileId}", "input_file_id");
        }

        if (file.Purpose != "batch")
        {
            await content.DisposeAsync();
            return ErrorResult.Invalid($"The file {body.InputFileId} has purpose '{file.Purpose}'; a batch's input file needs purpose 'batch'.", "input_file_id");
        }

        var key = KeyOwnership.Caller(context);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        BatchInputReader.Result read;
        await using (content)
        {
            read = await lines.ValidateAsync(content, body.Endpoint, submitter.Writer.SizeOf, context.RequestAborted, key is null ? null : (task, line) => ModelRefusal(key, task, line));
        }

        if (read.LineCount == 0)
        {
            return ErrorResult.Invalid($"The file {body.InputFileId} holds no request.", "input_file_id");
        }

        if (read.Errors.IsEmpty && read.LargestTaskBytes > submitter.Writer.MaxCallBytes)
        {
            // Orleans would refuse the call carrying that line's request the same way every time.
            return new ErrorResult(submitter.TooLarge($"The request on line {read.LargestTaskLine} of {body.InputFileId}", read.LargestTaskBytes, "input_file_id"));
        }

        var errors = read.Errors;
        if (errors.IsEmpty && read.LineCount > options.Value.MaxTasksPerJob)
        {
            errors = [new BatchLineError("too_many_requests", $"The file holds {read.LineCount} requests; a batch may hold at most {options.Value.MaxTasksPerJob} (the limit set by {BatchOptions.SectionName}:MaxTasksPerJob).", null, null)];
        }

        var batchId = "batch_" + Guid.NewGuid().ToString("N");
        var spec = new OpenAiBatchSpec(body.Endpoint, body.InputFileId, body.CompletionWindow, [], errors)
        {
            MetadataJson = body.MetadataJson,
            LineCount = read.LineCount,
            Model = read.FirstModel,
            KeyId = key?.Id,
        };
        var logger = loggers.CreateLogger(typeof(BatchesApi));
        var checkedIn = clock.Elapsed;
        try
        {
            var storedIn = TimeSpan.Zero;
            var batch = errors.IsEmpty
                ? await submitter.StoreThenRecordAsync(batchId, new TaskGrainSpec(batchId, spec.Model, 0, []) { KeyId = spec.KeyId }, read.LineCount,
                    tasks => StoreTasksAsync(tasks, spec, file, blobs, lines, context.RequestAborted),
                    stored =>
                    {
                        storedIn = clock.Elapsed - checkedIn;
                        return grains.GetGrain<IOpenAiBatchGrain>(batchId).CreateAsync(spec with { StoredTaskCount = stored, StoredTasksPerGrain = submitter.TasksPerGrain });
                    })
                : await grains.GetGrain<IOpenAiBatchGrain>(batchId).CreateAsync(spec);
            LogCreated(logger, batchId, read.LineCount, checkedIn.TotalMilliseconds, storedIn.TotalMilliseconds, (clock.Elapsed - checkedIn - storedIn).TotalMilliseconds);
            return Json(writer => BatchObjectWriter.Write(writer, batch));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogCreateFailed(logger, batchId, exception);
            return new ErrorResult(new GatewayError(GatewayErrorKind.Unavailable, "The batch could not be recorded; nothing was started. Try again."));
        }
    }

    /// <summary>The second pass: every line's task added to <paramref name="tasks"/> (groups written straight to the job's task grains), as many as the first pass counted.</summary>
    private static async Task StoreTasksAsync(TaskGroupStream tasks, OpenAiBatchSpec spec, FileRecord file, IBlobStore blobs, BatchInputReader lines, CancellationToken cancellationToken)
    {
        await using var content = await OpenAsync(blobs, file, cancellationToken)
            ?? throw new InvalidOperationException($"The input file {file.Id} was deleted while its batch was created.");
        var count = await lines.ReadTasksAsync(content, spec.Endpoint, tasks.AddAsync, cancellationToken);
        if (count != spec.LineCount)
        {
            throw new InvalidOperationException($"The input file {file.Id} held {spec.LineCount} requests when checked and {count} when stored.");
        }
    }

    private static Task<Stream?> OpenAsync(IBlobStore blobs, FileRecord file, CancellationToken cancellationToken) =>
        blobs.OpenReadAsync(file.BlobName is { Length: > 0 } name ? name : "files/missing", cancellationToken);

    /// <summary>
    /// A line's error when virtual key <paramref name="key"/> may not use its model or one of its fallbacks: the line fails
    /// the batch's validation (<c>model_not_allowed</c>), as any other bad line does, so nothing of the batch runs.
    /// </summary>
    private static BatchLineError? ModelRefusal(VirtualKeyCaller key, BatchTask task, int line)
    {
        string model;
        System.Collections.Immutable.ImmutableArray<string> fallbacks;
        if (task.Chat is { } chat)
        {
            (model, fallbacks) = (chat.Model, chat.Fallbacks);
        }
        else if (task.Embedding is { } embedding)
        {
            (model, fallbacks) = (embedding.Model, embedding.Fallbacks);
        }
        else
        {
            return null;
        }

        if (KeyGate.Refusal(key, model, "body.model") is { } refused)
        {
            return new BatchLineError(refused.Code!, $"Line {line}: {refused.Message}", refused.Param, line);
        }

        for (var i = 0; i < fallbacks.Length; i++)
        {
            if (KeyGate.Refusal(key, fallbacks[i], $"body.fallbacks[{i}]") is { } fallback)
            {
                return new BatchLineError(fallback.Code!, $"Line {line}: {fallback.Message}", fallback.Param, line);
            }
        }

        return null;
    }

    /// <summary><c>GET /v1/batches/{batch_id}</c>.</summary>
    public static async Task<Results<FileContentHttpResult, ErrorResult>> GetAsync(string batchId, HttpContext context, IGrainFactory grains)
    {
        var batch = await FindAsync(batchId, context, grains);
        return batch is null ? NotFound($"No batch found with id '{batchId}'.", "batch_id") : Json(writer => BatchObjectWriter.Write(writer, batch));
    }

    /// <summary><c>POST /v1/batches/{batch_id}/cancel</c>: stops the lines not yet run; finished ones are kept.</summary>
    public static async Task<Results<FileContentHttpResult, ErrorResult>> CancelAsync(string batchId, HttpContext context, IGrainFactory grains)
    {
        var batch = await FindAsync(batchId, context, grains) is null ? null : await grains.GetGrain<IOpenAiBatchGrain>(batchId).CancelAsync();
        return batch is null ? NotFound($"No batch found with id '{batchId}'.", "batch_id") : Json(writer => BatchObjectWriter.Write(writer, batch));
    }

    /// <summary><c>GET /v1/batches</c>: <c>after</c>, <c>limit</c> (1–100, default 20), newest first.</summary>
    public static async Task<Results<FileContentHttpResult, ErrorResult>> ListAsync(HttpRequest request, IGrainFactory grains)
    {
        var limit = DefaultListLimit;
        if (request.Query["limit"] is { Count: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxListLimit))
        {
            return ErrorResult.Invalid($"'limit' must be an integer from 1 to {MaxListLimit}.", "limit");
        }

        var after = request.Query["after"] is { Count: > 0 } a ? a.ToString() : null;
        var page = await grains.GetGrain<IBatchRegistryGrain>(BatchRegistry.OpenAiKey).ListAsync(after, limit, KeyOwnership.Caller(request.HttpContext)?.Id);
        var batches = await Task.WhenAll(page.Ids.Select(id => grains.GetGrain<IOpenAiBatchGrain>(id).GetAsync()));
        var data = batches.OfType<OpenAiBatchView>().ToList();
        return Json(writer => BatchObjectWriter.WriteList(writer, data, page.HasMore));
    }

    /// <summary>The batch when it exists and the caller may see it (its own, or any for an admin key); otherwise null (a 404).</summary>
    private static async Task<OpenAiBatchView?> FindAsync(string batchId, HttpContext context, IGrainFactory grains) =>
        await grains.GetGrain<IOpenAiBatchGrain>(batchId).GetAsync() is { } batch && KeyOwnership.Sees(context, batch.KeyId) ? batch : null;

    private static FileContentHttpResult Json(Action<System.Text.Json.Utf8JsonWriter> write) =>
        TypedResults.Bytes(BatchObjectWriter.ToBytes(write), "application/json");

    private static ErrorResult NotFound(string message, string param) => ErrorResult.NotFound(message, param, "not_found");

    /// <summary>The body, or null when it is larger than <see cref="MaxCreateBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxCreateBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxCreateBodyBytes)
            {
                return null;
            }
        }

        return buffer.ToArray();
    }
}
