using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace OrleansGateway.Frontend.Hosting;

/// <summary>
/// The OpenAPI document of both surfaces at <c>/openapi/v1.json</c> and an API reference page on it at
/// <c>/scalar/v1</c> (Scalar, its script served by the gateway). Both are behind the gateway key like the API.
/// </summary>
public static class GatewayOpenApiExtensions
{
    /// <summary>The document's name (its path is <c>/openapi/{name}.json</c>).</summary>
    public const string DocumentName = "v1";

    /// <summary>Security scheme: <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public const string BearerScheme = "bearer";

    /// <summary>Security scheme: <c>X-API-Key: &lt;key&gt;</c>.</summary>
    public const string ApiKeyScheme = "apiKey";

    /// <summary>Adds the document with the gateway's title, its two auth schemes, and a tag per surface.</summary>
    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer(static (document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Orleans LLM gateway",
                    Version = DocumentName,
                    Description = "Two surfaces: the OpenAI-compatible /v1 (OpenAI's error shape) and the gateway's own /llm "
                        + "(its error shape), plus batch, files, provider status and health. Every path but /health needs a "
                        + "gateway key when one is configured (SECRET_TOKEN, API_KEYS).",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "Authorization: Bearer <gateway key> (what OpenAI's SDKs send as the API key).",
                };
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = "X-API-Key",
                    Description = "X-API-Key: <gateway key>.",
                };
                document.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
                ];
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(static (operation, context, _) =>
            {
                var path = "/" + (context.Description.RelativePath ?? "").TrimStart('/');
                var surface = OrleansGateway.Hosting.Telemetry.RequestTelemetryMiddleware.SurfaceOf(path);
                operation.Tags = new HashSet<OpenApiTagReference> { new(surface) };
                if (path.StartsWith("/health", StringComparison.OrdinalIgnoreCase))
                {
                    // The health check is served without a key.
                    operation.Security = [];
                }

                return Task.CompletedTask;
            });
            options.AddOperationTransformer(OpenApiResponseSchemas.TransformAsync);
            options.AddSchemaTransformer(OpenApiResponseSchemas.AsWrittenAsync);
        });

    /// <summary>Maps <c>/openapi/v1.json</c> and the reference page <c>/scalar/v1</c>.</summary>
    public static IEndpointRouteBuilder MapGatewayOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference();
        return app;
    }
}
