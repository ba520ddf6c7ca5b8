using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OrleansGateway.Hosting.Health;

namespace OrleansGateway.Frontend.Hosting;

/// <summary>
/// The response bodies of the OpenAPI document, in one table: most handlers write their JSON themselves (bytes
/// from the source-generated <c>GatewayJsonContext</c>, or through the surface's error writer), so nothing in
/// their signatures names a body type. Each listed operation gets its 200 body (schema from the same JSON
/// contract, snake_case) and every operation its surface's error shape for <c>4XX</c> and <c>5XX</c>:
/// OpenAI's <c>{"error":{...}}</c> on <c>/v1</c> and <c>/admin</c>, the documented <c>/llm</c> body there.
/// </summary>
public static class OpenApiResponseSchemas
{
    /// <summary>The 200 body of each operation, by <c>METHOD /path</c> as the document names it.</summary>
    public static readonly IReadOnlyDictionary<string, (Type Body, string ContentType)> Bodies = new Dictionary<string, (Type, string)>(StringComparer.Ordinal)
    {
        ["POST /v1/chat/completions"] = (typeof(ChatCompletionResponse), "application/json"),
        ["GET /v1/models"] = (typeof(ModelsResponse), "application/json"),
        ["GET /v1/models/{id}"] = (typeof(ModelEntry), "application/json"),
        ["GET /v1/providers"] = (typeof(ProviderStatusResponse), "application/json"),
        ["POST /v1/batch/generate"] = (typeof(BatchSubmitResponse), "application/json"),
        ["GET /v1/batch"] = (typeof(BatchListResponse), "application/json"),
        ["GET /v1/batch/{jobId}"] = (typeof(BatchJobResponse), "application/json"),
        ["POST /v1/batch/{jobId}/cancel"] = (typeof(BatchJobResponse), "application/json"),
        ["GET /v1/batch/{jobId}/results"] = (typeof(BatchResultItem), "application/x-ndjson"),
        ["POST /v1/files"] = (typeof(FileObject), "application/json"),
        ["GET /v1/files"] = (typeof(FileListResponse), "application/json"),
        ["GET /v1/files/{fileId}"] = (typeof(FileObject), "application/json"),
        ["DELETE /v1/files/{fileId}"] = (typeof(FileDeletedResponse), "application/json"),
        ["GET /v1/usage"] = (typeof(KeyUsageResponse), "application/json"),
        ["POST /admin/keys"] = (typeof(KeyObject), "application/json"),
        ["GET /admin/keys"] = (typeof(KeyListResponse), "application/json"),
        ["GET /admin/keys/{keyId}"] = (typeof(KeyObject), "application/json"),
        ["PATCH /admin/keys/{keyId}"] = (typeof(KeyObject), "application/json"),
        ["DELETE /admin/keys/{keyId}"] = (typeof(KeyObject), "application/json"),
        ["GET /admin/keys/{keyId}/usage"] = (typeof(KeyUsageResponse), "application/json"),
        ["GET /"] = (typeof(RootResponse), "application/json"),
        ["GET /llm/providers"] = (typeof(ProvidersResponse), "application/json"),
        ["POST /llm/generation"] = (typeof(LlmTextResponse), "application/json"),
        ["POST /llm/classification"] = (typeof(ClassificationResponse), "application/json"),
        ["POST /llm/summarization"] = (typeof(SummarizationResponse), "application/json"),
        ["GET /health"] = (typeof(HealthResponse), "application/json"),
    };

    /// <summary>The operation's key in <see cref="Bodies"/>: <c>METHOD /path</c>, without a trailing slash.</summary>
    public static string KeyOf(string method, string? relativePath)
    {
        var path = "/" + (relativePath ?? "").Trim('/');
        return method.ToUpperInvariant() + " " + path;
    }

    /// <summary>Adds the operation's 200 body (when listed and not described already) and its surface's error shape.</summary>
    public static async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var key = KeyOf(context.Description.HttpMethod ?? "GET", context.Description.RelativePath);
        operation.Responses ??= new OpenApiResponses();
        if (Bodies.TryGetValue(key, out var body))
        {
            var schema = await context.GetOrCreateSchemaAsync(body.Body, null, cancellationToken);
            if (!operation.Responses.TryGetValue("200", out var ok) || ok is not OpenApiResponse okResponse)
            {
                okResponse = new OpenApiResponse { Description = "OK" };
                operation.Responses["200"] = okResponse;
            }

            okResponse.Content ??= new Dictionary<string, OpenApiMediaType>();
            if (okResponse.Content.Count == 0 || !okResponse.Content.Values.Any(media => media.Schema is not null))
            {
                okResponse.Content.Clear();
                okResponse.Content[body.ContentType] = new OpenApiMediaType { Schema = schema };
            }
        }

        var llm = key.Contains(" /llm", StringComparison.Ordinal) || key == "GET /";
        var errorSchema = await context.GetOrCreateSchemaAsync(llm ? typeof(LlmErrorResponse) : typeof(OpenAiErrorResponse), null, cancellationToken);
        var shape = llm ? "the /llm error body ({\"status\":\"error\",\"error\":\"...\"})" : "OpenAI's error object ({\"error\":{\"message\",\"type\",\"param\",\"code\"}})";
        operation.Responses["4XX"] = new OpenApiResponse
        {
            Description = $"Refused: bad input (400), no or a wrong key (401), not found (404), rate limited (429, with Retry-After); {shape}.",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = errorSchema } },
        };
        operation.Responses["5XX"] = new OpenApiResponse
        {
            Description = $"The gateway or its provider failed: provider broken or unreachable (502), timeout (504), cluster trouble (500, 503); {shape}.",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = errorSchema } },
        };
    }

    /// <summary>
    /// Describes a schema as the gateway writes it: the schema generator follows the HTTP JSON options (camelCase,
    /// numbers also read from strings), while every body is written by the source-generated context (snake_case,
    /// strict numbers). Renames properties (and required names) to snake_case and drops the string alternative of numbers.
    /// </summary>
    public static Task AsWrittenAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Properties is { Count: > 0 } properties)
        {
            var named = properties.ToList();
            properties.Clear();
            foreach (var (name, property) in named)
            {
                properties[JsonNamingPolicy.SnakeCaseLower.ConvertName(name)] = property;
            }
        }

        if (schema.Required is { Count: > 0 } required)
        {
            var names = required.ToList();
            required.Clear();
            foreach (var name in names)
            {
                required.Add(JsonNamingPolicy.SnakeCaseLower.ConvertName(name));
            }
        }

        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        return Task.CompletedTask;
    }
}
