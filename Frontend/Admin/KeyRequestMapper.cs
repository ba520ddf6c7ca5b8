using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using OrleansGateway.Keys;

namespace OrleansGateway.Frontend.Admin;

/// <summary>Validates a <see cref="KeyRequest"/> into <see cref="VirtualKeySettings"/>, every mistake a 400 naming the field.</summary>
public static class KeyRequestMapper
{
    /// <summary>The longest key name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The settings of a new key, or the error.</summary>
    public static (VirtualKeySettings? Settings, GatewayError? Error) ToSettings(KeyRequest request, DateTimeOffset now) =>
        Merge(new VirtualKeySettings(string.Empty, [], null, null, null, null, null, null, null), request, now, creating: true);

    /// <summary><paramref name="current"/> with the fields <paramref name="request"/> gives, or the error.</summary>
    public static (VirtualKeySettings? Settings, GatewayError? Error) Merge(VirtualKeySettings current, KeyRequest request, DateTimeOffset now, bool creating = false)
    {
        var settings = current;
        if (request.Name is { } name || creating)
        {
            name = request.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
            {
                return Invalid($"'name' is required: a name of 1 to {MaxNameLength} characters.", "name");
            }

            settings = settings with { Name = name };
        }

        if (request.Models is { } models)
        {
            for (var i = 0; i < models.Count; i++)
            {
                if (models[i] is not { Length: > 0 } model || (model != "*" && (model.IndexOf('/', StringComparison.Ordinal) is <= 0 || model.EndsWith('/'))))
                {
                    return Invalid($"Invalid models[{i}] '{models[i]}': expected provider/model, provider/* or *.", $"models[{i}]");
                }
            }

            settings = settings with { Models = [.. models.Distinct(StringComparer.Ordinal)] };
        }

        if (!TryLimit(request.RpmLimit, settings.RpmLimit, "rpm_limit", "number of requests per minute", out var rpm, out var limitError)
            || !TryLimit(request.TpmLimit, settings.TpmLimit, "tpm_limit", "number of tokens per minute", out var tpm, out limitError)
            || !TryLimit(request.MaxParallelRequests, settings.MaxParallelRequests, "max_parallel_requests", "number of requests", out var parallel, out limitError)
            || !TryLimit(request.MaxBudget, settings.MaxBudget, "max_budget", "amount of USD", out var budget, out limitError))
        {
            return (null, limitError);
        }

        settings = settings with { RpmLimit = rpm, TpmLimit = tpm, MaxParallelRequests = parallel, MaxBudget = budget };

        if (request.BudgetDuration is { } durationText)
        {
            if (durationText.Length == 0 || durationText == "none")
            {
                settings = settings with { BudgetDuration = null };
            }
            else if (ParseDuration(durationText) is { } duration)
            {
                settings = settings with { BudgetDuration = duration };
            }
            else
            {
                return Invalid($"Invalid 'budget_duration' '{durationText}': expected a number and a unit (s, m, h, d) such as 1h, 1d or 30d, or none.", "budget_duration");
            }
        }

        if (request.ExpiresAt is { } expires)
        {
            if (expires <= 0)
            {
                settings = settings with { ExpiresAt = null };
            }
            else if (expires > 253402300799 || DateTimeOffset.FromUnixTimeSeconds(expires) <= now)
            {
                return Invalid("'expires_at' must be a future time in Unix seconds (or 0 for never).", "expires_at");
            }
            else
            {
                settings = settings with { ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(expires) };
            }
        }

        if (request.Metadata is { } metadata)
        {
            if (metadata.ValueKind is not (System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Null))
            {
                return Invalid("'metadata' must be a JSON object.", "metadata");
            }

            settings = settings with { MetadataJson = metadata.ValueKind == System.Text.Json.JsonValueKind.Null ? null : metadata.GetRawText() };
        }

        return (settings, null);
    }

    /// <summary><c>1h</c>, <c>1d</c>, <c>30d</c>, <c>90s</c>, <c>15m</c> as a duration; null when it is not one.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0 || count > 36_500)
        {
            return null;
        }

        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(count),
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            _ => null,
        };
    }

    /// <summary>A duration as the API writes it back (the largest whole unit).</summary>
    public static string? FormatDuration(TimeSpan? duration) => duration switch
    {
        null => null,
        { } d when d.Ticks % TimeSpan.TicksPerDay == 0 => $"{d.Ticks / TimeSpan.TicksPerDay}d",
        { } d when d.Ticks % TimeSpan.TicksPerHour == 0 => $"{d.Ticks / TimeSpan.TicksPerHour}h",
        { } d when d.Ticks % TimeSpan.TicksPerMinute == 0 => $"{d.Ticks / TimeSpan.TicksPerMinute}m",
        { } d => $"{(long)d.TotalSeconds}s",
    };

    /// <summary>
    /// A limit as the request gives it: absent keeps <paramref name="current"/>, 0 removes the limit, a positive number
    /// sets it; a negative one is refused (false, with the error naming <paramref name="field"/>).
    /// </summary>
    private static bool TryLimit<T>(T? given, T? current, string field, string unit, out T? limit, out GatewayError? error)
        where T : struct, INumber<T>
    {
        error = null;
        limit = current;
        if (given is not { } value)
        {
            return true;
        }

        if (value < T.Zero)
        {
            error = GatewayError.Invalid($"'{field}' must be 0 (none) or a positive {unit}.", field);
            return false;
        }

        limit = value == T.Zero ? null : value;
        return true;
    }

    private static (VirtualKeySettings?, GatewayError?) Invalid(string message, string param) => (null, GatewayError.Invalid(message, param));
}
