using Microsoft.AspNetCore.Diagnostics;
using OrleansGateway.Errors;

namespace OrleansGateway.Frontend.Errors;

/// <summary>
/// Status pages and unhandled exceptions answered in the surface's error shape: unknown routes
/// 404, wrong methods 405, and a fault of the gateway's own a 500 that says nothing secret.
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
                if (exception is BadHttpRequestException bad)
                {
                    return ApiSurface.WriteErrorAsync(context, GatewayError.Invalid(bad.Message), bad.StatusCode);
                }

                return ApiSurface.WriteErrorAsync(context, new GatewayError(GatewayErrorKind.Internal, "The gateway failed to process the request."), StatusCodes.Status500InternalServerError);
            },
        });
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            if (http.Response.HasStarted || http.Response.ContentLength > 0 || http.Response.ContentType is not null)
            {
                return Task.CompletedTask;
            }

            var status = http.Response.StatusCode;
            if (status == StatusCodes.Status404NotFound && ApiSurface.IsOpenAi(http.Request.Path))
            {
                // OpenAI's own answer for a route it does not have, which the SDKs show as is.
                return ApiSurface.WriteErrorAsync(http, GatewayError.Invalid($"Invalid URL ({http.Request.Method} {http.Request.PathBase}{http.Request.Path})"), status);
            }

            var message = status switch
            {
                StatusCodes.Status404NotFound => $"No endpoint {http.Request.Method} {http.Request.Path}.",
                StatusCodes.Status405MethodNotAllowed => $"Method {http.Request.Method} is not allowed on {http.Request.Path}.",
                StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON (Content-Type: application/json).",
                _ => $"The request failed with status {status}.",
            };
            var kind = status == StatusCodes.Status404NotFound ? GatewayErrorKind.NotFound : GatewayErrorKind.InvalidRequest;
            return ApiSurface.WriteErrorAsync(http, new GatewayError(kind, message), status);
        });
        return app;
    }
}
