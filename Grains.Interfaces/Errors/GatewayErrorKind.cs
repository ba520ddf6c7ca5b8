namespace OrleansGateway.Errors;

/// <summary>What went wrong, mapped once to a status code per API surface.</summary>
[GenerateSerializer, Alias("gw.GatewayErrorKind")]
public enum GatewayErrorKind
{
    /// <summary>The request itself is invalid (400).</summary>
    InvalidRequest = 0,

    /// <summary>A named thing does not exist (404).</summary>
    NotFound = 1,

    /// <summary>The provider is known but has no API key configured.</summary>
    ProviderNotConfigured = 2,

    /// <summary>The provider answered 429 after every retry.</summary>
    RateLimited = 3,

    /// <summary>The provider's queue in the gateway was full or the wait timed out (429).</summary>
    QueueFull = 4,

    /// <summary>The provider did not answer in time (504).</summary>
    Timeout = 5,

    /// <summary>The provider could not be reached or answered 5xx (502).</summary>
    Upstream = 6,

    /// <summary>The provider rejected the request with a 4xx that is the caller's to fix.</summary>
    ProviderRejected = 7,

    /// <summary>The provider's circuit is open (503).</summary>
    CircuitOpen = 8,

    /// <summary>The caller went away.</summary>
    Cancelled = 9,

    /// <summary>A fault inside the gateway (500).</summary>
    Internal = 10,

    /// <summary>No API key, or one the gateway does not know (401).</summary>
    Unauthenticated = 11,

    /// <summary>The request body is larger than the limit (413).</summary>
    PayloadTooLarge = 12,

    /// <summary>The request body is not sent as a media type the endpoint takes (415).</summary>
    UnsupportedMediaType = 13,

    /// <summary>The path exists but not with this HTTP method (405).</summary>
    MethodNotAllowed = 14,

    /// <summary>No endpoint has this path (404 on every surface).</summary>
    NoRoute = 15,

    /// <summary>The caller is known but may not do this, e.g. a key used outside its models (403).</summary>
    PermissionDenied = 16,

    /// <summary>The caller's budget cannot pay for the request (429 <c>insufficient_quota</c>).</summary>
    QuotaExceeded = 17,

    /// <summary>
    /// The gateway's cluster could not run the request for now (its call failed although no silo is known lost, or a
    /// record could not be written): 503 on <c>/v1</c> and <c>/admin</c>, safe to try again.
    /// </summary>
    Unavailable = 18,
}
