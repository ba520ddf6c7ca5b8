namespace OrleansGateway.Frontend.Llm;

/// <summary>The documented <c>/llm</c> surface's group, <c>GET /</c>, the provider list and <c>POST /llm/generation</c>.</summary>
public static class LlmApi
{
    /// <summary>
    /// Maps <c>GET /</c> and returns the <c>/llm</c> group (documented error body, gateway keys, JSON
    /// bodies) for the surface's features to map themselves on.
    /// </summary>
    public static RouteGroupBuilder MapLlmSurface(this IEndpointRouteBuilder app)
    {
        app.MapSurfaceGroup(string.Empty, ApiSurface.Llm).MapGet("/", GetRoot);
        return app.MapSurfaceGroup("/llm", ApiSurface.Llm);
    }

    /// <summary><c>GET /llm/providers</c> and <c>POST /llm/generation</c>.</summary>
    public static RouteGroupBuilder MapGenerationApi(this RouteGroupBuilder llm)
    {
        llm.MapGet("/providers", GetProviders);
        llm.MapPost("/generation", GenerateAsync);
        return llm;
    }

    /// <summary><c>GET /</c>: the API is up, and its providers in upper case.</summary>
    public static JsonHttpResult<RootResponse> GetRoot(ModelResolver models) =>
        TypedResults.Json(
            new RootResponse("success", "up", [.. models.ProviderNames.Select(p => p.ToUpperInvariant())]),
            GatewayJsonContext.Default.RootResponse);

    /// <summary><c>GET /llm/providers</c>.</summary>
    public static JsonHttpResult<ProvidersResponse> GetProviders(ModelResolver models) =>
        TypedResults.Json(new ProvidersResponse("success", models.ProviderNames), GatewayJsonContext.Default.ProvidersResponse);

    /// <summary><c>POST /llm/generation</c>.</summary>
    public static async Task<Results<JsonHttpResult<LlmTextResponse>, ErrorResult>> GenerateAsync(
        JsonBody<LlmGenerationRequest> body, ModelResolver models, ChatDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var (request, error) = LlmRequestMapper.ToGeneration(body.Value, models);
        if (request is null)
        {
            return new ErrorResult(error!);
        }

        var outcome = await dispatcher.CompleteAsync(request, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Json(new LlmTextResponse("success", outcome.Result.Content, LlmUsage.From(outcome.Result.Usage)), GatewayJsonContext.Default.LlmTextResponse)
            : new ErrorResult(outcome.Error);
    }
}
