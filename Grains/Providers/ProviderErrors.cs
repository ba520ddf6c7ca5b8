using System.ClientModel;
using System.Globalization;
using System.Text.Json;
using OrleansGateway.Secrets;

namespace OrleansGateway.Providers;

/// <summary>
/// Turns what a provider answered (or failed to) into a <see cref="ProviderCallException"/>, once, for every caller.
/// Whatever text comes from the provider or the network passes through the <see cref="SecretRedactor"/> here, so no
/// configured secret reaches a client or a log line; an unreachable provider's address stays in the log detail only.
/// </summary>
public static class ProviderErrors
{
    private static readonly int[] s_retryableStatuses = [408, 429, 500, 502, 503, 504];

    /// <summary>
    /// The one answer to a model whose provider is not configured, wherever it is noticed (the frontend's
    /// check, an executor's candidate, the provider's grain): <see cref="GatewayErrorKind.NotFound"/> on
    /// <paramref name="param"/>, which OpenAI's surface answers 404 <c>model_not_found</c> and <c>/llm</c> 400.
    /// </summary>
    public static GatewayError UnknownProvider(string provider, string? model = null, string param = "model", IEnumerable<string>? known = null)
    {
        var where = model is null ? "" : $" in {param} '{model}'";
        var list = known is null ? "" : $" Known providers: {string.Join(", ", known)}.";
        return new GatewayError(GatewayErrorKind.NotFound, $"Unknown provider '{provider}'{where}.{list}") { Param = param };
    }

    /// <summary>Maps an exception thrown while calling a provider.</summary>
    public static ProviderCallException FromException(string provider, Exception exception, TimeProvider time, SecretRedactor redactor) => exception switch
    {
        ProviderCallException known => known,
        ClientResultException result when result.Status == 0 => Unreachable(provider, result.InnerException ?? result, redactor),
        ClientResultException result => FromStatus(provider, result, time, redactor),
        HttpRequestException http => Unreachable(provider, http, redactor),
        System.IO.IOException io => Unreachable(provider, io, redactor),
        _ => new ProviderCallException(
            new GatewayError(GatewayErrorKind.Upstream, $"Provider '{provider}' answered with a response the gateway could not read: {redactor.Redact(exception.Message)}") { Provider = provider },
            retryable: false),
    };

    /// <summary>The error for an attempt that ran out of time.</summary>
    public static ProviderCallException Timeout(string provider, TimeSpan after) =>
        new(new GatewayError(GatewayErrorKind.Timeout, $"Provider '{provider}' did not answer within {after.TotalSeconds:0.#} s.") { Provider = provider, UpstreamStatus = 504 },
            retryable: true);

    /// <summary>
    /// Clients learn the provider and why (connection refused, name not resolved, ...), never its address:
    /// the exception's own text (which names host and port) goes to the log detail.
    /// </summary>
    private static ProviderCallException Unreachable(string provider, Exception exception, SecretRedactor redactor) =>
        new(new GatewayError(GatewayErrorKind.Upstream, $"Provider '{provider}' could not be reached ({ReasonOf(exception)}).") { Provider = provider },
            retryable: true,
            logDetail: redactor.Redact(Describe(exception)));

    private static string ReasonOf(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Net.Sockets.SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    System.Net.Sockets.SocketError.ConnectionRefused => "connection refused",
                    System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.TryAgain or System.Net.Sockets.SocketError.NoData => "its host name could not be resolved",
                    System.Net.Sockets.SocketError.TimedOut => "the connection timed out",
                    System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.HostUnreachable => "its network is unreachable",
                    System.Net.Sockets.SocketError.ConnectionReset or System.Net.Sockets.SocketError.ConnectionAborted => "the connection was reset",
                    _ => "the connection failed",
                };
            }

            if (current is HttpRequestException { HttpRequestError: var error } && error != HttpRequestError.Unknown && current.InnerException is not System.Net.Sockets.SocketException)
            {
                return error switch
                {
                    HttpRequestError.NameResolutionError => "its host name could not be resolved",
                    HttpRequestError.SecureConnectionError => "the TLS handshake failed",
                    HttpRequestError.ConnectionError => "the connection failed",
                    HttpRequestError.ResponseEnded => "the connection closed before a response",
                    HttpRequestError.InvalidResponse => "it sent an invalid HTTP response",
                    _ => "the connection failed",
                };
            }
        }

        return exception is System.IO.IOException ? "the connection broke" : "the connection failed";
    }

    private static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (parts.Count == 0 || !parts[^1].Contains(current.Message, StringComparison.Ordinal))
            {
                parts.Add(current.Message);
            }
        }

        return string.Join(" -> ", parts);
    }

    private static ProviderCallException FromStatus(string provider, ClientResultException exception, TimeProvider time, SecretRedactor redactor)
    {
        var status = exception.Status;
        var response = exception.GetRawResponse();
        var detail = ReadProviderMessage(response) is { } said ? redactor.Redact(said) : $"HTTP {status}";
        var retryAfter = response is null ? null : ReadRetryAfter(response.Headers, time);
        var retryable = s_retryableStatuses.Contains(status);
        var (kind, message) = status switch
        {
            429 => (GatewayErrorKind.RateLimited, $"Provider '{provider}' is rate limiting requests (429): {detail}"),
            408 or 504 => (GatewayErrorKind.Timeout, $"Provider '{provider}' timed out ({status}): {detail}"),
            401 or 403 => (GatewayErrorKind.Upstream, $"Provider '{provider}' rejected the gateway's credentials ({status}): {detail}"),
            >= 500 => (GatewayErrorKind.Upstream, $"Provider '{provider}' failed ({status}): {detail}"),
            _ => (GatewayErrorKind.ProviderRejected, $"Provider '{provider}' rejected the request ({status}): {detail}"),
        };
        var error = new GatewayError(kind, message)
        {
            Provider = provider,
            UpstreamStatus = status,
            RetryAfterSeconds = retryAfter is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : null,
        };
        return new ProviderCallException(error, retryable, retryAfter);
    }

    /// <summary>The <c>error.message</c> of an OpenAI-style error body, or the body's first 300 characters.</summary>
    private static string? ReadProviderMessage(System.ClientModel.Primitives.PipelineResponse? response)
    {
        if (response is null)
        {
            return null;
        }

        string text;
        try
        {
            text = response.Content?.ToString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString();
                }

                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString();
                }
            }
        }
        catch (JsonException)
        {
        }

        return text.Length <= 300 ? text : text[..300];
    }

    /// <summary>Reads <c>retry-after-ms</c>, or <c>Retry-After</c> as seconds or an HTTP date.</summary>
    public static TimeSpan? ReadRetryAfter(System.ClientModel.Primitives.PipelineResponseHeaders headers, TimeProvider time)
    {
        if (headers.TryGetValue("retry-after-ms", out var milliseconds)
            && double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        return headers.TryGetValue("Retry-After", out var value) ? ParseRetryAfter(value, time) : null;
    }

    /// <summary>Parses a <c>Retry-After</c> value: delta seconds or an HTTP date.</summary>
    public static TimeSpan? ParseRetryAfter(string? value, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
