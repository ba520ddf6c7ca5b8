using System.Buffers;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using OrleansGateway.Providers;

namespace OrleansGateway.Frontend.Http;

/// <summary>
/// Reads a JSON request body with the source-generated context and turns every way it can be
/// wrong (missing, too large, malformed, wrong types) into a clear error instead of an exception.
/// </summary>
public sealed class RequestBodyReader(IOptions<ProvidersOptions> options)
{
    private const long LargeBodyBytes = 64 * 1024;

    /// <summary>Reads the body as <typeparamref name="T"/>, within the configured size limit (or <paramref name="maxBytes"/>).</summary>
    public async Task<BodyReadResult<T>> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, long? maxBytes = null)
        where T : class
    {
        var limit = maxBytes ?? options.Value.MaxRequestBodyBytes;
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            return TooLarge<T>(limit);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        if (request.ContentLength == 0)
        {
            return Invalid<T>("The request body is empty: a JSON object is required.");
        }

        byte[]? rented = null;
        try
        {
            // The body is read whole (within the limit) into a pooled buffer: one pass checks that
            // every string can be transcoded, then the deserializer runs over the same bytes.
            await using var limited = new LengthLimitedStream(request.Body, limit);
            rented = ArrayPool<byte>.Shared.Rent(InitialBufferBytes(request.ContentLength, limit));
            var length = 0;
            while (true)
            {
                if (length == rented.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Min((long)rented.Length * 2, limit + 1), Array.MaxLength));
                    rented.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(rented);
                    rented = larger;
                }

                var read = await limited.ReadAsync(rented.AsMemory(length), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length > LargeBodyBytes)
            {
                // What follows a large body (mapping thousands of batch tasks, splitting a long text)
                // runs on the thread pool, not on the socket thread that completed the last read.
                await Task.Yield();
            }

            var json = rented.AsSpan(0, length);
            if (JsonStringValidator.FindInvalidString(json) is { } field)
            {
                return Invalid<T>(
                    $"Invalid value for '{field}': the text is not valid Unicode (invalid UTF-8 or a lone surrogate escape such as \\ud800).",
                    field == "$" ? null : field);
            }

            var value = JsonSerializer.Deserialize(json, typeInfo);
            return value is null
                ? Invalid<T>("The request body must be a JSON object, not null.")
                : new BodyReadResult<T>(value, null);
        }
        catch (LengthLimitedStream.LimitExceededException)
        {
            return TooLarge<T>(limit);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge<T>(limit);
        }
        catch (BadHttpRequestException exception)
        {
            return Invalid<T>($"The request body could not be read: {exception.Message}");
        }
        catch (JsonException exception)
        {
            return Invalid<T>(Describe(exception), ParamOf(exception.Path));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Reads a body already in memory (a batch line's <c>body</c>) as <typeparamref name="T"/>: malformed JSON or a JSON
    /// null is an invalid request. <paramref name="what"/> names the body in the message; <paramref name="param"/> is the
    /// error's <c>param</c> where the JSON path gives none.
    /// </summary>
    public static BodyReadResult<T> ReadBytes<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo, string what, string? param = null)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, typeInfo) is { } value
                ? new BodyReadResult<T>(value, null)
                : Invalid<T>("The request body must be a JSON object, not null.", param);
        }
        catch (JsonException exception)
        {
            return Invalid<T>($"The request body is not valid JSON for {what}: {exception.Message}", exception.Path?.TrimStart('$', '.') ?? param);
        }
    }

    private static int InitialBufferBytes(long? contentLength, long limit) =>
        contentLength is { } known and > 0
            ? (int)Math.Min(Math.Min(known, limit) + 1, Array.MaxLength)
            : (int)Math.Min(Math.Min(4096, limit + 1), Array.MaxLength);

    private static BodyReadResult<T> TooLarge<T>(long limit)
        where T : class =>
        new(null, new GatewayError(GatewayErrorKind.PayloadTooLarge, $"The request body is larger than the limit of {limit} bytes."));

    private static BodyReadResult<T> Invalid<T>(string message, string? param = null)
        where T : class =>
        new(null, GatewayError.Invalid(message, param));

    private static string Describe(JsonException exception)
    {
        var path = exception.Path;
        if ((string.IsNullOrEmpty(path) || path == "$") && exception.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return "The request body must be a JSON object.";
        }

        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return exception.LineNumber is null && exception.BytePositionInLine is null
                ? "The request body must be a JSON object."
                : $"The request body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine}).";
        }

        var field = ParamOf(path);
        var message = exception.Message;
        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return $"Invalid value for '{field}': {ExpectedKind(message)}.";
        }

        return $"The request body is not valid JSON near '{field}' (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine}).";
    }

    private static string ExpectedKind(string message) => message switch
    {
        _ when message.Contains("System.String", StringComparison.Ordinal) && message.Contains("List", StringComparison.Ordinal) => "expected an array of strings",
        _ when message.Contains("System.String", StringComparison.Ordinal) => "expected a string",
        _ when message.Contains("System.Int32", StringComparison.Ordinal) || message.Contains("System.Int64", StringComparison.Ordinal) => "expected an integer",
        _ when message.Contains("System.Double", StringComparison.Ordinal) => "expected a number",
        _ when message.Contains("System.Boolean", StringComparison.Ordinal) => "expected true or false",
        _ when message.Contains("List", StringComparison.Ordinal) => "expected an array",
        _ when message.Contains("Dictionary", StringComparison.Ordinal) => "expected an object",
        _ => "expected an object",
    };

    private static string? ParamOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
