using System.Globalization;

namespace OrleansGateway.Frontend.Http;

/// <summary>
/// An error answered in the shape of the request's surface (<see cref="ApiSurfaces"/>): status and body
/// from that surface's one mapping (<see cref="OpenAiErrors"/> or <see cref="LlmErrors"/>), and
/// <c>Retry-After</c> when the error says how long to wait. Every error of the frontend goes through it,
/// from handlers, filters, the key check and the status pages alike.
/// </summary>
public sealed class ErrorResult(GatewayError error, int? status = null) : IResult, IStatusCodeHttpResult
{
    public GatewayError Error { get; } = error;

    /// <summary>Null unless fixed: the status depends on the surface, known only when the result runs.</summary>
    int? IStatusCodeHttpResult.StatusCode => status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var surface = httpContext.RequestServices.GetRequiredService<ApiSurfaces>().Of(httpContext);
        if (Error.RetryAfterSeconds is { } retryAfter)
        {
            httpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        if (surface == ApiSurface.OpenAi)
        {
            httpContext.Response.StatusCode = status ?? OpenAiErrors.StatusOf(Error);
            return httpContext.Response.WriteAsJsonAsync(OpenAiErrors.BodyOf(Error), GatewayJsonContext.Default.OpenAiErrorResponse);
        }

        httpContext.Response.StatusCode = status ?? LlmErrors.StatusOf(Error);
        return httpContext.Response.WriteAsJsonAsync(LlmErrorResponse.For(Error.Message), GatewayJsonContext.Default.LlmErrorResponse);
    }

    /// <summary>
    /// Writes <paramref name="error"/> now, from middleware that has no endpoint result to return.
    /// <paramref name="status"/> keeps a status no error kind names (a status page of some other code).
    /// </summary>
    public static Task WriteAsync(HttpContext context, GatewayError error, int? status = null) => new ErrorResult(error, status).ExecuteAsync(context);

    /// <summary>A 400 for the caller's mistake.</summary>
    public static ErrorResult Invalid(string message, string? param = null) => new(GatewayError.Invalid(message, param));

    /// <summary>A 404 (on <c>/v1</c>) for a named thing that does not exist.</summary>
    public static ErrorResult NotFound(string message, string? param = null, string? code = null) =>
        new(new GatewayError(GatewayErrorKind.NotFound, message) { Param = param, Code = code });
}
