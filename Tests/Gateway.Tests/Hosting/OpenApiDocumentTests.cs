using System.Diagnostics;
using Microsoft.AspNetCore.Routing;

namespace OrleansGateway.Tests.Hosting;

public sealed class OpenApiDocumentTests() : GatewayAppTest(new Dictionary<string, string?> { ["SECRET_TOKEN"] = Key })
{
    private const string Key = "openapi-test-key";

    private HttpClient _client = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _client = App.CreateClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    public override async Task DisposeAsync()
    {
        _client.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Document_EveryMappedEndpoint_IsInIt()
    {
        var document = await GetDocumentAsync();
        var paths = document.GetProperty("paths");
        var missing = new List<string>();
        var endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [];
            var path = OpenApiPath(endpoint.RoutePattern.RawText ?? "");
            var excluded = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true;
            if (methods.Count == 0 || excluded || path.StartsWith("/openapi", StringComparison.Ordinal) || path.StartsWith("/scalar", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var method in methods)
            {
                if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out _))
                {
                    missing.Add($"{method} {path}");
                }
            }
        }

        Assert.True(missing.Count == 0, $"not in /openapi/v1.json: {string.Join(", ", missing)}; its paths: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        Assert.True(paths.TryGetProperty("/v1/chat/completions", out _), "the OpenAI surface");
        Assert.True(paths.TryGetProperty("/llm/generation", out _), "the /llm surface");
    }

    [Fact]
    public async Task Document_AuthSchemes_BearerAndApiKeyRequiredExceptForHealth()
    {
        var document = await GetDocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("http", schemes.GetProperty("bearer").GetProperty("type").GetString());
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("apiKey", schemes.GetProperty("apiKey").GetProperty("type").GetString());
        Assert.Equal("X-API-Key", schemes.GetProperty("apiKey").GetProperty("name").GetString());
        Assert.Equal("header", schemes.GetProperty("apiKey").GetProperty("in").GetString());
        Assert.Equal(2, document.GetProperty("security").GetArrayLength());
        Assert.Equal(0, document.GetProperty("paths").GetProperty("/health").GetProperty("get").GetProperty("security").GetArrayLength());
        Assert.Equal("openai", document.GetProperty("paths").GetProperty("/v1/chat/completions").GetProperty("post").GetProperty("tags")[0].GetString());
    }

    [Theory]
    [InlineData("/v1/chat/completions", "post", "choices")]
    [InlineData("/v1/models", "get", "data")]
    [InlineData("/v1/batch/generate", "post", "job_id")]
    [InlineData("/v1/batch/{jobId}", "get", "status")]
    [InlineData("/v1/files", "post", "bytes")]
    [InlineData("/llm/generation", "post", "content")]
    [InlineData("/health", "get", "status")]
    public async Task Document_KeyOperation_Has200BodySchemaWithItsFields(string path, string method, string field)
    {
        var document = await GetDocumentAsync();
        var ok = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty("200");
        var schema = Resolve(document, ok.GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.True(
            schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty(field, out _),
            $"{method.ToUpperInvariant()} {path}: the 200 schema has '{field}' (snake_case, as the body is written): {schema}");
    }

    [Theory]
    [InlineData("/v1/chat/completions", "post", "error")]
    [InlineData("/v1/embeddings", "post", "error")]
    [InlineData("/admin/keys", "get", "error")]
    [InlineData("/llm/generation", "post", "status")]
    [InlineData("/llm/classification", "post", "status")]
    public async Task Document_EveryOperation_DescribesItsSurfacesErrorShape(string path, string method, string field)
    {
        var document = await GetDocumentAsync();
        var responses = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");
        foreach (var range in new[] { "4XX", "5XX" })
        {
            var schema = Resolve(document, responses.GetProperty(range).GetProperty("content").GetProperty("application/json").GetProperty("schema"));
            Assert.True(schema.GetProperty("properties").TryGetProperty(field, out _), $"{method.ToUpperInvariant()} {path} {range}: '{field}' in {schema}");
        }
    }

    /// <summary>The schema itself, following a <c>$ref</c> into <c>components/schemas</c>.</summary>
    private static JsonElement Resolve(JsonElement document, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..])
            : schema;

    [Fact]
    public async Task Document_WithoutKey_Returns401()
    {
        using var anonymous = App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task ReferencePage_IsServed()
    {
        var response = await _client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("scalar", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Document_SwaggerParser_ValidatesIt()
    {
        var nodePath = Environment.GetEnvironmentVariable("GATEWAY_TEST_OPENAPI_NODE_PATH") is { Length: > 0 } found
            ? found
            : throw new Xunit.Sdk.XunitException(
                "GATEWAY_TEST_OPENAPI_NODE_PATH is not set: run the tests through scripts/test.sh, which installs @apidevtools/swagger-parser with npm (scripts/test-services.sh).");
        var file = Path.Combine(Path.GetTempPath(), $"gateway-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await _client.GetStringAsync("/openapi/v1.json"));
        try
        {
            var start = new ProcessStartInfo("node", [ValidatorScript(), file]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["NODE_PATH"] = nodePath;
            using var node = Process.Start(start)!;
            var output = node.StandardOutput.ReadToEndAsync();
            var error = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(node.ExitCode == 0, $"swagger-parser rejected /openapi/v1.json: {await error}{await output}");
            Assert.StartsWith("valid: Orleans LLM gateway", await output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<JsonElement> GetDocumentAsync()
    {
        var response = await _client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>A route pattern as an OpenAPI path: leading slash, no trailing one, no constraints or catch-all stars.</summary>
    private static string OpenApiPath(string pattern)
    {
        var path = "/" + pattern.Trim('/');
        return System.Text.RegularExpressions.Regex.Replace(path, @"\{\*{0,2}([^}:=?]+)[^}]*\}", "{$1}");
    }

    private static string ValidatorScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var script = Path.Combine(directory.FullName, "scripts", "validate-openapi.js");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new Xunit.Sdk.XunitException("scripts/validate-openapi.js not found above " + AppContext.BaseDirectory);
    }
}
