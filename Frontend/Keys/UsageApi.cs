using OrleansGateway.Keys;

namespace OrleansGateway.Frontend.Keys;

/// <summary><c>GET /v1/usage</c>: the calling virtual key's own usage per model per day.</summary>
public static class UsageApi
{
    public static RouteGroupBuilder MapUsageApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/usage", GetUsageAsync);
        return v1;
    }

    /// <summary>The caller's usage; a 400 for a caller without a virtual key (the admin keys read any key's under <c>/admin/keys/{id}/usage</c>).</summary>
    public static async Task<Results<JsonHttpResult<KeyUsageResponse>, ErrorResult>> GetUsageAsync(HttpContext context, IGrainFactory grains, KeyAllowances allowances)
    {
        if (context.Items[typeof(VirtualKeyCaller)] is not VirtualKeyCaller caller)
        {
            return ErrorResult.Invalid("GET /v1/usage reports a virtual key's own usage; an admin key reads a key's usage at GET /admin/keys/{id}/usage.");
        }

        await allowances.FlushAsync(caller.Id);
        return TypedResults.Json(await KeysApi.UsageOf(caller.Id, grains.GetGrain<IKeyGrain>(caller.Id)), GatewayJsonContext.Default.KeyUsageResponse);
    }
}
