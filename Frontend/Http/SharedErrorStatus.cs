namespace OrleansGateway.Frontend.Http;

/// <summary>The statuses every surface gives a <see cref="GatewayErrorKind"/> alike; each surface maps the kinds it answers its own way first.</summary>
public static class SharedErrorStatus
{
    /// <summary>401/403 for keys, 405 and 415 for the wrong method or media type, 413 for a body too large, 429 for limits, 499 for a caller that went away; null for a kind each surface maps itself.</summary>
    public static int? Of(GatewayErrorKind kind) => kind switch
    {
        GatewayErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        GatewayErrorKind.PermissionDenied => StatusCodes.Status403Forbidden,
        GatewayErrorKind.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        GatewayErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        GatewayErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        GatewayErrorKind.RateLimited or GatewayErrorKind.QueueFull or GatewayErrorKind.QuotaExceeded => StatusCodes.Status429TooManyRequests,
        GatewayErrorKind.Cancelled => 499,
        _ => null,
    };
}
