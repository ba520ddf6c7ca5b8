using OrleansGateway.Errors;
using OrleansGateway.Frontend.Json;
using OrleansGateway.Frontend.OpenAi;

namespace OrleansGateway.Frontend.Errors;

/// <summary>Maps a <see cref="GatewayError"/> to OpenAI's error object and status, once.</summary>
public static class OpenAiErrors
{
    /// <summary>The status code: a timeout is 504, an unreachable or broken provider 502, a rate limit 429, an open circuit 503.</summary>
    public static int StatusOf(GatewayError error) => error.Kind switch
    {
        GatewayErrorKind.InvalidRequest or GatewayErrorKind.ProviderNotConfigured => StatusCodes.Status400BadRequest,
        GatewayErrorKind.NotFound => StatusCodes.Status404NotFound,
        GatewayErrorKind.RateLimited or GatewayErrorKind.QueueFull => StatusCodes.Status429TooManyRequests,
        GatewayErrorKind.Timeout => StatusCodes.Status504GatewayTimeout,
        GatewayErrorKind.Upstream => StatusCodes.Status502BadGateway,
        GatewayErrorKind.CircuitOpen => StatusCodes.Status503ServiceUnavailable,
        GatewayErrorKind.ProviderRejected => error.UpstreamStatus is 400 or 404 or 409 or 413 or 422 ? error.UpstreamStatus.Value : StatusCodes.Status400BadRequest,
        GatewayErrorKind.Cancelled => 499,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>OpenAI's error object for a gateway error.</summary>
    public static OpenAiErrorResponse BodyOf(GatewayError error)
    {
        var (type, code) = error.Kind switch
        {
            GatewayErrorKind.InvalidRequest => ("invalid_request_error", (string?)null),
            GatewayErrorKind.NotFound => ("invalid_request_error", "model_not_found"),
            GatewayErrorKind.ProviderNotConfigured => ("invalid_request_error", "provider_not_configured"),
            GatewayErrorKind.RateLimited => ("rate_limit_error", "rate_limit_exceeded"),
            GatewayErrorKind.QueueFull => ("rate_limit_error", "gateway_queue_full"),
            GatewayErrorKind.Timeout => ("timeout_error", "provider_timeout"),
            GatewayErrorKind.Upstream => ("api_error", "provider_error"),
            GatewayErrorKind.CircuitOpen => ("api_error", "provider_unavailable"),
            GatewayErrorKind.ProviderRejected => ("invalid_request_error", "provider_rejected"),
            _ => ("api_error", null),
        };
        return new OpenAiErrorResponse(new OpenAiError(error.Message, type, error.Param, code));
    }

    /// <summary>The error response, with <c>Retry-After</c> where the error carries one.</summary>
    public static IResult ToResult(GatewayError error, HttpContext? context = null)
    {
        if (context is not null)
        {
            ApiSurface.SetRetryAfter(context, error);
        }

        return TypedResults.Json(BodyOf(error), GatewayJsonContext.Default.OpenAiErrorResponse, statusCode: StatusOf(error));
    }

    /// <summary>A 400 <c>invalid_request_error</c>.</summary>
    public static IResult BadRequest(string message, string? param = null) => ToResult(GatewayError.Invalid(message, param));

    /// <summary>A 413 with OpenAI's error object.</summary>
    public static IResult TooLarge(GatewayError error) =>
        TypedResults.Json(new OpenAiErrorResponse(new OpenAiError(error.Message, "invalid_request_error", null, "request_too_large")),
            GatewayJsonContext.Default.OpenAiErrorResponse, statusCode: StatusCodes.Status413PayloadTooLarge);
}
