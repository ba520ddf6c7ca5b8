using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansGateway.Batch;
using OrleansGateway.Errors;
using OrleansGateway.Files;
using OrleansGateway.Frontend.Http;
using OrleansGateway.Frontend.OpenAi;
using OrleansGateway.Frontend.OpenAi.Batch;
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

        var file = await grains.GetGrain<IFileGrain>(body.InputFileId).GetAsync();
        if (file is null || await OpenAsync(blobs, file, context.RequestAborted) is not { } content)
        {
            return NotFound($"No such File object: {body.InputFileId}", "input_file_id");
        }

        if (file.Purpose != "batch")
        {
            await content.DisposeAsync();
            return ErrorResult.Invalid($"The file {body.InputFileId} has purpose '{file.Purpose}'; a batch's input file needs purpose 'batch'.", "input_file_id");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        BatchInputReader.Result read;
        await using (content)
        {
            read = await lines.ValidateAsync(content, body.Endpoint, submitter.Writer.SizeOf, context.RequestAborted);
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
        };
        var logger = loggers.CreateLogger(typeof(BatchesApi));
        var checkedIn = clock.Elapsed;
        try
        {
            if (errors.IsEmpty)
            {
                var stored = await StoreTasksAsync(batchId, spec, file, blobs, lines, submitter, context.RequestAborted);
                spec = spec with { StoredTaskCount = stored, StoredTasksPerGrain = submitter.TasksPerGrain };
            }

            var storedIn = clock.Elapsed - checkedIn;
            var batch = await grains.GetGrain<IOpenAiBatchGrain>(batchId).CreateAsync(spec);
            LogCreated(logger, batchId, read.LineCount, checkedIn.TotalMilliseconds, storedIn.TotalMilliseconds, (clock.Elapsed - checkedIn - storedIn).TotalMilliseconds);
            return Json(writer => BatchObjectWriter.Write(writer, batch));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogCreateFailed(logger, batchId, exception);
            return new ErrorResult(new GatewayError(GatewayErrorKind.Internal, "The batch could not be recorded; nothing was started. Try again."));
        }
    }

    /// <summary>The second pass: every line's task, in groups written straight to the job's task grains; how many.</summary>
    private static async Task<int> StoreTasksAsync(string batchId, OpenAiBatchSpec spec, FileRecord file, IBlobStore blobs, BatchInputReader lines, BatchSubmitter submitter, CancellationToken cancellationToken)
    {
        await using var content = await OpenAsync(blobs, file, cancellationToken)
            ?? throw new InvalidOperationException($"The input file {file.Id} was deleted while its batch was created.");
        var tasks = submitter.Writer.Open(new TaskGrainSpec(batchId, spec.Model, 0, []), submitter.TasksPerGrain);
        await lines.ReadTasksAsync(content, spec.Endpoint, tasks.AddAsync, cancellationToken);
        var count = await tasks.CompleteAsync();
        return count == spec.LineCount
            ? count
            : throw new InvalidOperationException($"The input file {file.Id} held {spec.LineCount} requests when checked and {count} when stored.");
    }

    private static Task<Stream?> OpenAsync(IBlobStore blobs, FileRecord file, CancellationToken cancellationToken) =>
        blobs.OpenReadAsync(file.BlobName is { Length: > 0 } name ? name : "files/missing", cancellationToken);

    /// <summary><c>GET /v1/batches/{batch_id}</c>.</summary>
    public static async Task<Results<FileContentHttpResult, ErrorResult>> GetAsync(string batchId, IGrainFactory grains)
    {
        var batch = await grains.GetGrain<IOpenAiBatchGrain>(batchId).GetAsync();
        return batch is null ? NotFound($"No batch found with id '{batchId}'.", "batch_id") : Json(writer => BatchObjectWriter.Write(writer, batch));
    }

    /// <summary><c>POST /v1/batches/{batch_id}/cancel</c>: stops the lines not yet run; finished ones are kept.</summary>
    public static async Task<Results<FileContentHttpResult, ErrorResult>> CancelAsync(string batchId, IGrainFactory grains)
    {
        var batch = await grains.GetGrain<IOpenAiBatchGrain>(batchId).CancelAsync();
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
        var page = await grains.GetGrain<IBatchRegistryGrain>(BatchRegistry.OpenAiKey).ListAsync(after, limit);
        var batches = await Task.WhenAll(page.Ids.Select(id => grains.GetGrain<IOpenAiBatchGrain>(id).GetAsync()));
        var data = batches.OfType<OpenAiBatchView>().ToList();
        return Json(writer => BatchObjectWriter.WriteList(writer, data, page.HasMore));
    }

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
