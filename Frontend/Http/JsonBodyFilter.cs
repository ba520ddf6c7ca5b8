using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace OrleansGateway.Frontend.Http;

/// <summary>
/// The shared preamble of every surface's endpoints, before the handler runs:
/// <list type="number">
/// <item>415 when a request with a body does not send one of the media types its endpoint accepts:
/// the last <see cref="IAcceptsMetadata"/> on the endpoint, so a group's JSON rule can be overridden by
/// an endpoint that takes files. <c>application/json</c> and <c>application/*+json</c> match with any
/// parameters (charset). A request without a body passes (the handler decides whether it needs one),
/// so <c>POST .../cancel</c> works bare.</item>
/// <item>The error of a <see cref="JsonBody{T}"/> argument that could not be read (400 or 413).</item>
/// </list>
/// Both answered as an <see cref="ErrorResult"/>, in the surface's shape.
/// </summary>
public sealed class JsonBodyFilter : IEndpointFilter
{
    /// <summary>The media types of a JSON endpoint.</summary>
    public static readonly string[] JsonMediaTypes = ["application/json", "application/*+json"];

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var accepted = http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes;
        if (accepted is { Count: > 0 } && HasBody(http.Request) && !Accepts(http.Request.ContentType, accepted))
        {
            var sent = string.IsNullOrEmpty(http.Request.ContentType) ? "no Content-Type" : $"Content-Type '{http.Request.ContentType}'";
            return ValueTask.FromResult<object?>(new ErrorResult(new GatewayError(GatewayErrorKind.UnsupportedMediaType,
                $"Unsupported media type: the request body must be sent as {string.Join(" or ", accepted)}, not with {sent}.")));
        }

        var arguments = context.Arguments;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is IJsonBody { Error: { } error })
            {
                return ValueTask.FromResult<object?>(new ErrorResult(error));
            }
        }

        return next(context);
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
