using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using OrleansGateway.Files;
using OrleansGateway.Storage;

namespace OrleansGateway.Frontend.OpenAi.Files;

/// <summary>
/// OpenAI's Files API under <c>/v1/files</c>: upload (multipart, streamed into the blob store), list, read,
/// download the bytes (streamed), delete. Metadata in <see cref="IFileGrain"/>s, listed by <see cref="IFileRegistryGrain"/>.
/// </summary>
public static class FilesApi
{
    /// <summary>Files per page of <c>GET /v1/files</c> when <c>limit</c> is not given, and the largest (as OpenAI's).</summary>
    public const int DefaultListLimit = 10_000, MaxListLimit = 10_000;

    /// <summary>The purposes an upload may have (only batch input is served).</summary>
    public const string BatchPurpose = "batch";

    /// <summary>The purpose of files the gateway writes for batches.</summary>
    public const string BatchOutputPurpose = "batch_output";

    private const int MaxFieldBytes = 1024;

    public static RouteGroupBuilder MapFilesApi(this RouteGroupBuilder v1)
    {
        // A file belongs to the key that uploaded it, or whose batch wrote it (KeyOwnership): a virtual key sees its own only.
        var files = v1.MapGroup("/files");
        files.MapPost("/", UploadAsync).Accepts<IFormFile>("multipart/form-data").DisableAntiforgery();
        files.MapGet("/", ListAsync);
        files.MapGet("/{fileId}", GetAsync);
        files.MapGet("/{fileId}/content", ContentAsync);
        files.MapDelete("/{fileId}", DeleteAsync);
        return v1;
    }

    /// <summary><c>POST /v1/files</c>: streams the <c>file</c> part to the blob store, counting bytes and lines, then records it.</summary>
    public static async Task<Results<JsonHttpResult<FileObject>, ErrorResult>> UploadAsync(HttpContext context, IOptions<FilesOptions> options, IBlobStore blobs, IGrainFactory grains, TimeProvider time)
    {
        var limits = options.Value;
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return ErrorResult.Invalid("The upload must be multipart/form-data with the parts 'file' and 'purpose'.");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // The file limit is enforced on the file part itself; this leaves room for the other parts.
            size.MaxRequestBodySize = limits.MaxUploadBytes + 1024 * 1024;
        }

        var fileId = "file-" + Guid.NewGuid().ToString("N");
        var blobName = "files/" + fileId;
        string? purpose = null, filename = null;
        long bytes = 0, lines = 0;
        var stored = false;
        try
        {
            var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = null };
            while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (name == "file" && !stored)
                {
                    filename = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value is { Length: > 0 } star
                        ? star
                        : HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "file";
                    var counting = new UploadCountingStream(section.Body, limits.MaxUploadBytes);
                    bytes = await blobs.WriteAsync(blobName, counting, context.RequestAborted);
                    lines = counting.Lines;
                    stored = true;
                }
                else if (name == "purpose")
                {
                    purpose = await ReadFieldAsync(section.Body, context.RequestAborted);
                }
            }
        }
        catch (UploadCountingStream.UploadTooLargeException)
        {
            await blobs.DeleteAsync(blobName);
            return new ErrorResult(new GatewayError(GatewayErrorKind.PayloadTooLarge,
                $"The file is larger than {limits.MaxUploadBytes} bytes, the limit set by {FilesOptions.SectionName}:MaxUploadBytes."));
        }
        catch (IOException) when (!stored)
        {
            return ErrorResult.Invalid("The multipart body could not be read to its end.");
        }
        catch (InvalidDataException exception)
        {
            await blobs.DeleteAsync(blobName);
            return ErrorResult.Invalid("The multipart body is malformed: " + exception.Message);
        }

        var refusal = purpose switch
        {
            null => "The part 'purpose' is required ('batch').",
            BatchPurpose => !stored ? "The part 'file' is required."
                : lines > limits.MaxBatchInputLines ? $"The file has {lines} requests; a batch input file may hold at most {limits.MaxBatchInputLines} (the limit set by {FilesOptions.SectionName}:MaxBatchInputLines)."
                : lines == 0 ? "The batch input file is empty; it needs one JSON request per line."
                : null,
            _ => $"The purpose '{purpose}' is not served by this gateway; only 'batch' is.",
        };
        if (refusal is not null)
        {
            if (stored)
            {
                await blobs.DeleteAsync(blobName);
            }

            return ErrorResult.Invalid(refusal, refusal.StartsWith("The part 'file'", StringComparison.Ordinal) ? "file" : "purpose");
        }

        var owner = KeyOwnership.Caller(context)?.Id;
        var record = new FileRecord(fileId, filename!, BatchPurpose, bytes, time.GetUtcNow(), lines, blobName) { KeyId = owner };
        await grains.GetGrain<IFileGrain>(fileId).CreateAsync(record);
        await grains.GetGrain<IFileRegistryGrain>(FileRegistry.Key).AddAsync(fileId, record.Purpose, owner);
        return TypedResults.Json(ToObject(record), GatewayJsonContext.Default.FileObject);
    }

    /// <summary><c>GET /v1/files</c>: <c>purpose</c>, <c>limit</c>, <c>after</c>, <c>order</c> (<c>desc</c> by default).</summary>
    public static async Task<Results<JsonHttpResult<FileListResponse>, ErrorResult>> ListAsync(HttpRequest request, IGrainFactory grains)
    {
        var limit = DefaultListLimit;
        if (request.Query["limit"] is { Count: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxListLimit))
        {
            return ErrorResult.Invalid($"'limit' must be an integer from 1 to {MaxListLimit}.", "limit");
        }

        var order = request.Query["order"].ToString();
        if (order is not ("" or "asc" or "desc"))
        {
            return ErrorResult.Invalid("'order' must be 'asc' or 'desc'.", "order");
        }

        var purpose = request.Query["purpose"] is { Count: > 0 } p ? p.ToString() : null;
        var after = request.Query["after"] is { Count: > 0 } a ? a.ToString() : null;
        var page = await grains.GetGrain<IFileRegistryGrain>(FileRegistry.Key).ListAsync(purpose, after, limit, order == "asc", KeyOwnership.Caller(request.HttpContext)?.Id);
        var records = await Task.WhenAll(page.Ids.Select(async id => await grains.GetGrain<IFileGrain>(id).GetAsync() is { } record
            ? await WithBytesAsync(record, grains, request.HttpContext.RequestAborted)
            : null));
        var data = records.OfType<FileRecord>().Select(ToObject).ToImmutableArray();
        var response = new FileListResponse("list", data, data.FirstOrDefault()?.Id, data.LastOrDefault()?.Id, page.HasMore);
        return TypedResults.Json(response, GatewayJsonContext.Default.FileListResponse);
    }

    /// <summary><c>GET /v1/files/{file_id}</c>.</summary>
    public static async Task<Results<JsonHttpResult<FileObject>, ErrorResult>> GetAsync(string fileId, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var record = await FindAsync(fileId, context, grains);
        return record is null ? NotFound(fileId) : TypedResults.Json(ToObject(await WithBytesAsync(record, grains, cancellationToken)), GatewayJsonContext.Default.FileObject);
    }

    /// <summary>
    /// The record with its real byte count: a batch's output or error file is measured the first time it is asked for
    /// (written once from the stored results into a counter, the job being finished), and the count is kept in its grain.
    /// </summary>
    private static async Task<FileRecord> WithBytesAsync(FileRecord record, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (record.BatchId is not { } batchId || record.Bytes > 0)
        {
            return record;
        }

        await using var counter = new ByteCountingStream();
        await Batches.BatchOutputFile.WriteAsync(counter, grains, batchId, record.BatchErrors, cancellationToken);
        return await grains.GetGrain<IFileGrain>(record.Id).SetBytesAsync(counter.Length) ?? record with { Bytes = counter.Length };
    }

    /// <summary><c>GET /v1/files/{file_id}/content</c>: the bytes, streamed from the blob store.</summary>
    public static async Task<Results<FileStreamHttpResult, PushStreamHttpResult, ErrorResult>> ContentAsync(string fileId, HttpContext context, IGrainFactory grains, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var record = await FindAsync(fileId, context, grains);
        if (record?.BatchId is { } batchId)
        {
            // A batch's output or error file: written from the batch's stored results as it is read.
            return TypedResults.Stream(stream => Batches.BatchOutputFile.WriteAsync(stream, grains, batchId, record.BatchErrors, cancellationToken), "application/octet-stream", record.Filename);
        }

        if (record is null || await blobs.OpenReadAsync(record.BlobName, cancellationToken) is not { } content)
        {
            return NotFound(fileId);
        }

        return TypedResults.Stream(content, "application/octet-stream", record.Filename);
    }

    /// <summary><c>DELETE /v1/files/{file_id}</c>: forgets the file, then deletes its bytes.</summary>
    public static async Task<Results<JsonHttpResult<FileDeletedResponse>, ErrorResult>> DeleteAsync(string fileId, HttpContext context, IGrainFactory grains, IBlobStore blobs)
    {
        if (await FindAsync(fileId, context, grains) is null)
        {
            return NotFound(fileId);
        }

        var record = await grains.GetGrain<IFileGrain>(fileId).DeleteAsync();
        if (record is null)
        {
            return NotFound(fileId);
        }

        await grains.GetGrain<IFileRegistryGrain>(FileRegistry.Key).RemoveAsync(fileId);
        if (record.BlobName.Length > 0)
        {
            // A batch's output or error file has no blob.
            await blobs.DeleteAsync(record.BlobName);
        }
        return TypedResults.Json(new FileDeletedResponse(fileId, "file", true), GatewayJsonContext.Default.FileDeletedResponse);
    }

    /// <summary>The file when it exists and the caller may see it (its own, or any for an admin key); otherwise null (a 404).</summary>
    public static async Task<FileRecord?> FindAsync(string fileId, HttpContext context, IGrainFactory grains) =>
        await grains.GetGrain<IFileGrain>(fileId).GetAsync() is { } record && KeyOwnership.Sees(context, record.KeyId) ? record : null;

    /// <summary>OpenAI's file object for a record.</summary>
    public static FileObject ToObject(FileRecord record) =>
        new(record.Id, "file", record.Bytes, record.CreatedAt.ToUnixTimeSeconds(), record.Filename, record.Purpose, "processed", null);

    private static ErrorResult NotFound(string fileId) => ErrorResult.NotFound($"No such File object: {fileId}", "id", GatewayError.NoCode);

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFieldBytes];
        var total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
            if (total == buffer.Length)
            {
                throw new InvalidDataException($"A form field is longer than {MaxFieldBytes} bytes.");
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, total).Trim();
    }
}
