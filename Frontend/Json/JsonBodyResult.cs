using System.Text.Json.Serialization.Metadata;

namespace OrleansGateway.Frontend.Json;

/// <summary>
/// A 200 (or <paramref name="statusCode"/>) JSON response written with a source-generated type info.
/// What <c>TypedResults.Json</c> writes, without resolving a logger from the request's services on
/// every response (which opens the request's DI scope).
/// </summary>
public sealed class JsonBodyResult<T>(T value, JsonTypeInfo<T> typeInfo, int statusCode = StatusCodes.Status200OK) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        // Without a token of its own it writes under RequestAborted and ignores a client that went away.
        return httpContext.Response.WriteAsJsonAsync(value, typeInfo);
    }
}
