using System.Text.Json.Serialization.Metadata;

namespace OrleansGateway.Frontend.Http;

/// <summary>
/// A JSON response serialized whole before its first byte is written: a value that cannot be
/// serialized fails before the status line, as a clean error in the surface's shape, never as a
/// half-written body followed by an error object. For documents of bounded size (job views, lists).
/// </summary>
public static class BufferedJson
{
    public static FileContentHttpResult Ok<T>(T value, JsonTypeInfo<T> typeInfo) =>
        TypedResults.Bytes(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), "application/json; charset=utf-8");
}
