namespace OrleansGateway.Frontend.OpenAi.Models;

/// <summary>OpenAI's <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: every configured chat and embedding model as <c>provider/model</c>.</summary>
public static class ModelsApi
{
    public static RouteGroupBuilder MapModelsApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/models", GetModels);
        v1.MapGet("/models/{**id}", GetModel);
        return v1;
    }

    /// <summary><c>GET /v1/models</c>.</summary>
    public static JsonHttpResult<ModelsResponse> GetModels(ModelResolver models, TimeProvider time)
    {
        var entries = Entries(models, time.GetUtcNow().ToUnixTimeSeconds()).ToList();
        return TypedResults.Json(new ModelsResponse("list", entries, [.. entries.Select(e => e.Id)]), GatewayJsonContext.Default.ModelsResponse);
    }

    /// <summary>
    /// <c>GET /v1/models/{id}</c>: one model object. The id has a slash, sent as is
    /// (<c>/v1/models/openai/gpt-4o</c>) or escaped (<c>/v1/models/openai%2Fgpt-4o</c>, as the Python SDK does).
    /// </summary>
    public static Results<JsonHttpResult<ModelEntry>, ErrorResult> GetModel(string id, ModelResolver models, TimeProvider time)
    {
        var name = Uri.UnescapeDataString(id);
        var entry = Entries(models, time.GetUtcNow().ToUnixTimeSeconds()).FirstOrDefault(e => string.Equals(e.Id, name, StringComparison.Ordinal));
        return entry is null
            ? ErrorResult.NotFound($"The model '{name}' does not exist.", "model")
            : TypedResults.Json(entry, GatewayJsonContext.Default.ModelEntry);
    }

    private static IEnumerable<ModelEntry> Entries(ModelResolver models, long created) =>
        models.Providers.SelectMany(p => p.Value.Models.Concat(p.Value.EmbeddingModels).Distinct(StringComparer.Ordinal)
            .Select(m => new ModelEntry($"{p.Key}/{m}", "model", created, p.Key)));
}
