using System.Text.Json.Serialization.Metadata;

namespace OrleansGateway.Frontend.Streaming;

/// <summary>Writes Server-Sent Events to a response, flushing each one so it leaves at once.</summary>
public sealed class SseWriter(HttpResponse response)
{
    private static readonly byte[] s_dataPrefix = "data: "u8.ToArray();
    private static readonly byte[] s_eventEnd = "\n\n"u8.ToArray();

    /// <summary>Sets the event-stream headers: no caching, no proxy buffering.</summary>
    public static void Start(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>Writes <c>data: &lt;json&gt;</c> and a blank line.</summary>
    public Task WriteDataAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        WriteAsync([.. s_dataPrefix, .. JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), .. s_eventEnd], cancellationToken);

    /// <summary>Writes <c>data: &lt;json&gt;</c> for JSON already encoded as UTF-8.</summary>
    public Task WriteDataAsync(byte[] utf8Json, CancellationToken cancellationToken) =>
        WriteAsync([.. s_dataPrefix, .. utf8Json, .. s_eventEnd], cancellationToken);

    /// <summary>Writes <c>data: &lt;text&gt;</c> as is (e.g. <c>[DONE]</c>).</summary>
    public Task WriteRawDataAsync(string text, CancellationToken cancellationToken) =>
        WriteAsync(System.Text.Encoding.UTF8.GetBytes($"data: {text}\n\n"), cancellationToken);

    /// <summary>Writes a comment line (<c>: text</c>), which clients ignore and proxies see as traffic.</summary>
    public Task WriteCommentAsync(string text, CancellationToken cancellationToken) =>
        WriteAsync(System.Text.Encoding.UTF8.GetBytes($": {text}\n\n"), cancellationToken);

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(bytes, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
