using Microsoft.AspNetCore.Http;
using OrleansGateway.Frontend.Http;
using OrleansGateway.Frontend.Llm;
using OrleansGateway.Frontend.OpenAi;

namespace OrleansGateway.Tests.Http;

/// <summary>Which surface a request answers as, and the one status mapping per surface for the kinds the frontend itself raises.</summary>
public sealed class ApiSurfacesTests
{
    [Theory]
    [InlineData("/v1/chat/completions", ApiSurface.OpenAi)]
    [InlineData("/V1/unknown", ApiSurface.OpenAi)]
    [InlineData("/admin/keys", ApiSurface.OpenAi)]
    [InlineData("/llm/generation", ApiSurface.Llm)]
    [InlineData("/v10/x", ApiSurface.Llm)]
    [InlineData("/nowhere", ApiSurface.Llm)]
    public void Of_RequestNoEndpointMatched_IsTheSurfaceOfItsGroupPrefix(string path, ApiSurface expected)
    {
        var surfaces = new ApiSurfaces();
        surfaces.Add("/v1", ApiSurface.OpenAi);
        surfaces.Add("/admin", ApiSurface.OpenAi);
        surfaces.Add("/llm", ApiSurface.Llm);
        var context = new DefaultHttpContext();
        context.Request.Path = path;

        Assert.Equal(expected, surfaces.Of(context));
    }

    [Fact]
    public void Of_EndpointWithSurfaceMetadata_WinsOverThePath()
    {
        var surfaces = new ApiSurfaces();
        surfaces.Add("/v1", ApiSurface.OpenAi);
        var context = new DefaultHttpContext();
        context.Request.Path = "/v1/x";
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new ApiSurfaceMetadata(ApiSurface.Llm)), "test"));

        Assert.Equal(ApiSurface.Llm, surfaces.Of(context));
    }

    [Theory]
    [InlineData(GatewayErrorKind.Unauthenticated, 401, 401, "invalid_request_error", null)]
    [InlineData(GatewayErrorKind.PermissionDenied, 403, 403, "permission_error", "permission_denied")]
    [InlineData(GatewayErrorKind.NoRoute, 404, 404, "invalid_request_error", null)]
    [InlineData(GatewayErrorKind.NotFound, 404, 400, "invalid_request_error", "model_not_found")]
    [InlineData(GatewayErrorKind.MethodNotAllowed, 405, 405, "invalid_request_error", null)]
    [InlineData(GatewayErrorKind.PayloadTooLarge, 413, 413, "invalid_request_error", "request_too_large")]
    [InlineData(GatewayErrorKind.UnsupportedMediaType, 415, 415, "invalid_request_error", null)]
    [InlineData(GatewayErrorKind.RateLimited, 429, 429, "rate_limit_error", "rate_limit_exceeded")]
    [InlineData(GatewayErrorKind.QuotaExceeded, 429, 429, "insufficient_quota", "insufficient_quota")]
    [InlineData(GatewayErrorKind.Unavailable, 503, 500, "api_error", "gateway_unavailable")]
    public void StatusAndBody_EachKind_MappedOncePerSurface(GatewayErrorKind kind, int openAiStatus, int llmStatus, string type, string? code)
    {
        var error = new GatewayError(kind, "message");

        Assert.Equal(openAiStatus, OpenAiErrors.StatusOf(error));
        Assert.Equal(llmStatus, LlmErrors.StatusOf(error));
        var body = OpenAiErrors.BodyOf(error).Error;
        Assert.Equal(type, body.Type);
        Assert.Equal(code, body.Code);
    }

    [Fact]
    public void BodyOf_CodeOverride_WinsAndNoCodeShowsNull()
    {
        Assert.Equal("batch_not_found", OpenAiErrors.BodyOf(new GatewayError(GatewayErrorKind.NotFound, "m") { Code = "batch_not_found" }).Error.Code);
        Assert.Null(OpenAiErrors.BodyOf(new GatewayError(GatewayErrorKind.NotFound, "m") { Code = GatewayError.NoCode }).Error.Code);
    }
}
