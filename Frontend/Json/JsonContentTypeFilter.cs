using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;
using OrleansGateway.Errors;
using OrleansGateway.Frontend.Errors;

namespace OrleansGateway.Frontend.Json;

/// <summary>
/// Answers 415 (in the surface's error shape) when a request with a body does not send one of the
/// media types its endpoint accepts: the last <see cref="IAcceptsMetadata"/> on the endpoint, so a
/// group's JSON rule can be overridden by an endpoint that takes files. <c>application/json</c> and
/// <c>application/*+json</c> match with any parameters (charset). A request without a body passes
/// (the handler decides whether it needs one), so <c>POST .../cancel</c> works bare.
/// </summary>
public sealed class JsonContentTypeFilter : IEndpointFilter
{
    /// <summary>The media types of a JSON endpoint.</summary>
    public static readonly string[] JsonMediaTypes = ["application/json", "application/*+json"];

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var accepted = http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes;
        if (accepted is not { Count: > 0 } || !HasBody(http.Request) || Accepts(http.Request.ContentType, accepted))
        {
            return next(context);
        }

        return Reject(http, accepted);
    }

    private static async ValueTask<object?> Reject(HttpContext http, IReadOnlyList<string> accepted)
    {
        var sent = string.IsNullOrEmpty(http.Request.ContentType) ? "no Content-Type" : $"Content-Type '{http.Request.ContentType}'";
        var error = GatewayError.Invalid($"Unsupported media type: the request body must be sent as {string.Join(" or ", accepted)}, not with {sent}.");
        await ApiSurface.WriteErrorAsync(http, error, StatusCodes.Status415UnsupportedMediaType);
        return Results.Empty;
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.ContainsKey(HeaderNames.TransferEncoding));

    private static bool Accepts(string? contentType, IReadOnlyList<string> accepted)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var sent))
        {
            return false;
        }

        foreach (var type in accepted)
        {
            if (sent.IsSubsetOf(MediaTypeHeaderValue.Parse(type)))
            {
                return true;
            }
        }

        return false;
    }
}
