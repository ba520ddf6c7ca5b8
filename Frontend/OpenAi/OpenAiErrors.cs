namespace OrleansGateway.Frontend.OpenAi;

/// <summary>The one mapping of a <see cref="GatewayError"/> to OpenAI's status and error object, for <c>/v1</c> and <c>/admin</c>.</summary>
public static class OpenAiErrors
{
    /// <summary>The status code: a timeout is 504, an unreachable or broken provider 502, an open circuit or a cluster that cannot run the request for now 503; keys, limits (429), method, media type and size as on every surface (<see cref="SharedErrorStatus"/>).</summary>
    public static int StatusOf(GatewayError error) => error.Kind switch
    {
        GatewayErrorKind.InvalidRequest or GatewayErrorKind.ProviderNotConfigured => StatusCodes.Status400BadRequest,
        GatewayErrorKind.NotFound or GatewayErrorKind.NoRoute => StatusCodes.Status404NotFound,
        GatewayErrorKind.Timeout => StatusCodes.Status504GatewayTimeout,
        GatewayErrorKind.Upstream => StatusCodes.Status502BadGateway,
        GatewayErrorKind.CircuitOpen or GatewayErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        GatewayErrorKind.ProviderRejected => error.UpstreamStatus is 400 or 404 or 409 or 413 or 422 ? error.UpstreamStatus.Value : StatusCodes.Status400BadRequest,
        var kind => SharedErrorStatus.Of(kind) ?? StatusCodes.Status500InternalServerError,
    };

    /// <summary>OpenAI's error object for a gateway error; <see cref="GatewayError.Code"/> overrides the kind's code.</summary>
    public static OpenAiErrorResponse BodyOf(GatewayError error)
    {
        var (type, code) = error.Kind switch
        {
            GatewayErrorKind.InvalidRequest => ("invalid_request_error", (string?)null),
            GatewayErrorKind.NotFound => ("invalid_request_error", "model_not_found"),
            GatewayErrorKind.NoRoute or GatewayErrorKind.MethodNotAllowed or GatewayErrorKind.UnsupportedMediaType or GatewayErrorKind.Unauthenticated => ("invalid_request_error", null),
            GatewayErrorKind.PayloadTooLarge => ("invalid_request_error", "request_too_large"),
            GatewayErrorKind.PermissionDenied => ("permission_error", "permission_denied"),
            GatewayErrorKind.ProviderNotConfigured => ("invalid_request_error", "provider_not_configured"),
            GatewayErrorKind.RateLimited => ("rate_limit_error", "rate_limit_exceeded"),
            GatewayErrorKind.QuotaExceeded => ("insufficient_quota", "insufficient_quota"),
            GatewayErrorKind.QueueFull => ("rate_limit_error", "gateway_queue_full"),
            GatewayErrorKind.Timeout => ("timeout_error", "provider_timeout"),
            GatewayErrorKind.Upstream => ("api_error", "provider_error"),
            GatewayErrorKind.CircuitOpen => ("api_error", "provider_unavailable"),
            GatewayErrorKind.Unavailable => ("api_error", "gateway_unavailable"),
            GatewayErrorKind.ProviderRejected => ("invalid_request_error", "provider_rejected"),
            _ => ("api_error", null),
        };
        if (error.Code is { } overridden)
        {
            code = overridden.Length == 0 ? null : overridden;
        }

        return new OpenAiErrorResponse(new OpenAiError(error.Message, type, error.Param, code));
    }
}
