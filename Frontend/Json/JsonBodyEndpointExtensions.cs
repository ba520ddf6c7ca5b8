using Microsoft.AspNetCore.Http.Metadata;

namespace OrleansGateway.Frontend.Json;

/// <summary>Declares what media types a route group's (or an endpoint's) request bodies must have.</summary>
public static class JsonBodyEndpointExtensions
{
    /// <summary>
    /// Request bodies must be JSON (<see cref="JsonContentTypeFilter.JsonMediaTypes"/>), else 415.
    /// An endpoint of the group that takes something else declares it with <c>.Accepts(...)</c>
    /// or <see cref="AcceptsMediaTypes{TBuilder}"/>, which wins over the group's rule.
    /// </summary>
    public static TBuilder RequireJsonBody<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AcceptsMediaTypes(JsonContentTypeFilter.JsonMediaTypes);

    /// <summary>Request bodies must have one of <paramref name="mediaTypes"/>, else 415.</summary>
    public static TBuilder AcceptsMediaTypes<TBuilder>(this TBuilder builder, params string[] mediaTypes)
        where TBuilder : IEndpointConventionBuilder
    {
        // The body is read by the handler (RequestBodyReader); described as any JSON value in the OpenAPI document.
        builder.WithMetadata(new AcceptsMetadata(mediaTypes, typeof(System.Text.Json.JsonElement)));
        builder.AddEndpointFilter(new JsonContentTypeFilter());
        return builder;
    }
}
