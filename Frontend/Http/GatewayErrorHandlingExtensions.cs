using Microsoft.AspNetCore.Diagnostics;

namespace OrleansGateway.Frontend.Http;

/// <summary>
/// Status pages and unhandled exceptions answered as an <see cref="ErrorResult"/> in the request's
/// surface's shape: unknown routes 404, wrong methods 405, and a fault of the gateway's own a 500
/// that says nothing secret.
/// </summary>
public static class GatewayErrorHandlingExtensions
{
    public static WebApplication UseGatewayErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var error = exception is BadHttpRequestException bad
                    ? new GatewayError(bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? GatewayErrorKind.PayloadTooLarge : GatewayErrorKind.InvalidRequest, bad.Message)
                    : new GatewayError(GatewayErrorKind.Internal, "The gateway failed to process the request.");
                return ErrorResult.WriteAsync(context, error);
            },
        });
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            if (http.Response.HasStarted || http.Response.ContentLength > 0 || http.Response.ContentType is not null)
            {
                return Task.CompletedTask;
            }

            var openAi = http.RequestServices.GetRequiredService<ApiSurfaces>().Of(http) == ApiSurface.OpenAi;
            var request = http.Request;
            var error = http.Response.StatusCode switch
            {
                // OpenAI's own answer for a route it does not have, which the SDKs show as is.
                StatusCodes.Status404NotFound when openAi => new GatewayError(GatewayErrorKind.NoRoute, $"Invalid URL ({request.Method} {request.PathBase}{request.Path})"),
                StatusCodes.Status404NotFound => new GatewayError(GatewayErrorKind.NoRoute, $"No endpoint {request.Method} {request.Path}."),
                StatusCodes.Status405MethodNotAllowed => new GatewayError(GatewayErrorKind.MethodNotAllowed, $"Method {request.Method} is not allowed on {request.Path}."),
                StatusCodes.Status415UnsupportedMediaType => new GatewayError(GatewayErrorKind.UnsupportedMediaType, "The request body must be JSON (Content-Type: application/json)."),
                StatusCodes.Status413PayloadTooLarge => new GatewayError(GatewayErrorKind.PayloadTooLarge, "The request body is larger than the limit."),
                StatusCodes.Status401Unauthorized => new GatewayError(GatewayErrorKind.Unauthenticated, "Missing or invalid API key."),
                _ => null,
            };
            var status = http.Response.StatusCode;
            return error is not null
                ? ErrorResult.WriteAsync(http, error)
                : ErrorResult.WriteAsync(http, GatewayError.Invalid($"The request failed with status {status}."), status);
        });
        return app;
    }
}
