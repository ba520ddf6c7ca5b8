using System.Globalization;
using OrleansGateway.Keys;
using OrleansGateway.Secrets;

namespace OrleansGateway.Frontend.Admin;

/// <summary>
/// Virtual keys under <c>/admin/keys</c>, for the admin keys only (<c>SECRET_TOKEN</c>, <c>API_KEYS</c>):
/// create (the secret answered once), list (paged, never secrets), read, change, revoke, usage.
/// Errors in OpenAI's shape.
/// </summary>
public static class KeysApi
{
    /// <summary>Keys per page of <c>GET /admin/keys</c> when <c>limit</c> is not given, and the largest.</summary>
    public const int DefaultListLimit = 20, MaxListLimit = 100;

    public static RouteGroupBuilder MapKeysApi(this RouteGroupBuilder admin)
    {
        var keys = admin.MapGroup("/keys");
        keys.MapPost("/", CreateAsync);
        keys.MapGet("/", ListAsync);
        keys.MapGet("/{keyId}", GetAsync);
        keys.MapPatch("/{keyId}", UpdateAsync);
        keys.MapDelete("/{keyId}", RevokeAsync);
        keys.MapGet("/{keyId}/usage", UsageAsync);
        return admin;
    }

    /// <summary><c>POST /admin/keys</c>: the new key with its secret (<c>key</c>), shown this once.</summary>
    public static async Task<Results<JsonHttpResult<KeyObject>, ErrorResult>> CreateAsync(
        JsonBody<KeyRequest> body, IGrainFactory grains, SecretRedactor redactor, TimeProvider time)
    {
        var (settings, error) = KeyRequestMapper.ToSettings(body.Value, time.GetUtcNow());
        if (settings is null)
        {
            return new ErrorResult(error!);
        }

        var secret = VirtualKeySecret.Generate();
        redactor.Add(secret);
        var hash = VirtualKeySecret.Hash(secret);
        var id = "key-" + Guid.NewGuid().ToString("N");
        var view = await grains.GetGrain<IKeyGrain>(id).CreateAsync(settings, hash);
        await grains.GetGrain<IKeyRegistryGrain>(KeyRegistry.Key).AddAsync(id, VirtualKeySecret.Hex(hash));
        return TypedResults.Json(ToObject(view) with { Key = secret }, GatewayJsonContext.Default.KeyObject);
    }

    /// <summary><c>GET /admin/keys</c>: keys oldest first; <c>limit</c> (1–100, default 20) and <c>after</c> (a key id) page them.</summary>
    public static async Task<Results<JsonHttpResult<KeyListResponse>, ErrorResult>> ListAsync(HttpRequest request, IGrainFactory grains)
    {
        var limit = DefaultListLimit;
        if (request.Query["limit"] is { Count: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxListLimit))
        {
            return ErrorResult.Invalid($"'limit' must be an integer from 1 to {MaxListLimit}.", "limit");
        }

        var after = request.Query["after"] is { Count: > 0 } a ? a.ToString() : null;
        var page = await grains.GetGrain<IKeyRegistryGrain>(KeyRegistry.Key).ListAsync(after, limit);
        var views = await Task.WhenAll(page.Ids.Select(id => grains.GetGrain<IKeyGrain>(id).GetAsync()));
        var data = views.OfType<VirtualKeyView>().Select(ToObject).ToList();
        return TypedResults.Json(new KeyListResponse("list", data, data.FirstOrDefault()?.Id, data.LastOrDefault()?.Id, page.HasMore),
            GatewayJsonContext.Default.KeyListResponse);
    }

    /// <summary>
    /// <c>GET /admin/keys/{id}</c>: settings, spend in the current period, and the last minute's counts. This
    /// frontend reports its own use of the key first; other frontends' is at most about a second behind.
    /// </summary>
    public static async Task<Results<JsonHttpResult<KeyObject>, ErrorResult>> GetAsync(string keyId, IGrainFactory grains, KeyAllowances allowances)
    {
        await allowances.FlushAsync(keyId);
        return await grains.GetGrain<IKeyGrain>(keyId).GetAsync() is { } view
            ? TypedResults.Json(ToObject(view), GatewayJsonContext.Default.KeyObject)
            : NotFound(keyId);
    }

    /// <summary><c>PATCH /admin/keys/{id}</c>: the fields given replace the key's; limits apply from the next request.</summary>
    public static async Task<Results<JsonHttpResult<KeyObject>, ErrorResult>> UpdateAsync(
        string keyId, JsonBody<KeyRequest> body, IGrainFactory grains, VirtualKeyAuthenticator authenticator, TimeProvider time)
    {
        var grain = grains.GetGrain<IKeyGrain>(keyId);
        if (await grain.GetAsync() is not { } current)
        {
            return NotFound(keyId);
        }

        var (settings, error) = KeyRequestMapper.Merge(current.Settings, body.Value, time.GetUtcNow());
        if (settings is null)
        {
            return new ErrorResult(error!);
        }

        var view = await grain.UpdateAsync(settings);
        authenticator.Forget(keyId);
        return view is null ? NotFound(keyId) : TypedResults.Json(ToObject(view), GatewayJsonContext.Default.KeyObject);
    }

    /// <summary><c>DELETE /admin/keys/{id}</c>: revokes the key; every frontend refuses it within a second.</summary>
    public static async Task<Results<JsonHttpResult<KeyObject>, ErrorResult>> RevokeAsync(string keyId, IGrainFactory grains, VirtualKeyAuthenticator authenticator)
    {
        var view = await grains.GetGrain<IKeyGrain>(keyId).RevokeAsync();
        authenticator.Forget(keyId);
        return view is null ? NotFound(keyId) : TypedResults.Json(ToObject(view), GatewayJsonContext.Default.KeyObject);
    }

    /// <summary><c>GET /admin/keys/{id}/usage</c>: requests, tokens and spend per model per day.</summary>
    public static async Task<Results<JsonHttpResult<KeyUsageResponse>, ErrorResult>> UsageAsync(string keyId, IGrainFactory grains, KeyAllowances allowances)
    {
        await allowances.FlushAsync(keyId);
        var grain = grains.GetGrain<IKeyGrain>(keyId);
        if (await grain.GetAsync() is null)
        {
            return NotFound(keyId);
        }

        return TypedResults.Json(await UsageOf(keyId, grain), GatewayJsonContext.Default.KeyUsageResponse);
    }

    /// <summary>The usage document of a key.</summary>
    public static async Task<KeyUsageResponse> UsageOf(string keyId, IKeyGrain grain)
    {
        var usage = await grain.GetUsageAsync();
        return new KeyUsageResponse("list", keyId,
            [.. usage.Select(u => new KeyUsageItem(u.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), u.Model, u.Requests, u.InputTokens, u.OutputTokens, u.Spend, u.Priced))]);
    }

    /// <summary>The admin API's view of a key (never its secret).</summary>
    public static KeyObject ToObject(VirtualKeyView view)
    {
        var s = view.Settings;
        return new KeyObject(view.Id, "virtual_key", s.Name, s.Models, s.RpmLimit, s.TpmLimit, s.MaxParallelRequests, s.MaxBudget,
            KeyRequestMapper.FormatDuration(s.BudgetDuration), s.ExpiresAt?.ToUnixTimeSeconds(), Metadata(s.MetadataJson),
            view.CreatedAt.ToUnixTimeSeconds(), view.Revoked, view.Spend, view.BudgetPeriodStart.ToUnixTimeSeconds(),
            view.RequestsInWindow, view.TokensInWindow, view.InFlight);
    }

    private static JsonElement? Metadata(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static ErrorResult NotFound(string keyId) => ErrorResult.NotFound($"No virtual key '{keyId}'.", "key_id", "key_not_found");
}
