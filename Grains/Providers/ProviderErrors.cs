using System.ClientModel;
using System.Globalization;
using System.Text.Json;
using OrleansGateway.Errors;

namespace OrleansGateway.Providers;

/// <summary>Turns what a provider answered (or failed to) into a <see cref="ProviderCallException"/>, once, for every caller.</summary>
public static class ProviderErrors
{
    private static readonly int[] s_retryableStatuses = [408, 429, 500, 502, 503, 504];

    /// <summary>Maps an exception thrown while calling a provider.</summary>
    public static ProviderCallException FromException(string provider, Exception exception, TimeProvider time) => exception switch
    {
        ProviderCallException known => known,
        ClientResultException result when result.Status == 0 => Unreachable(provider, result.InnerException ?? result),
        ClientResultException result => FromStatus(provider, result, time),
        HttpRequestException http => Unreachable(provider, http),
        System.IO.IOException io => Unreachable(provider, io),
        _ => new ProviderCallException(
            new GatewayError(GatewayErrorKind.Upstream, $"Provider '{provider}' answered with a response the gateway could not read: {exception.Message}") { Provider = provider },
            retryable: false),
    };

    /// <summary>The error for an attempt that ran out of time.</summary>
    public static ProviderCallException Timeout(string provider, TimeSpan after) =>
        new(new GatewayError(GatewayErrorKind.Timeout, $"Provider '{provider}' did not answer within {after.TotalSeconds:0.#} s.") { Provider = provider, UpstreamStatus = 504 },
            retryable: true);

    private static ProviderCallException Unreachable(string provider, Exception exception) =>
        new(new GatewayError(GatewayErrorKind.Upstream, $"Provider '{provider}' could not be reached: {exception.Message}") { Provider = provider },
            retryable: true);

    private static ProviderCallException FromStatus(string provider, ClientResultException exception, TimeProvider time)
    {
        var status = exception.Status;
        var response = exception.GetRawResponse();
        var detail = ReadProviderMessage(response) ?? $"HTTP {status}";
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
