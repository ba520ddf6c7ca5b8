using Microsoft.AspNetCore.Http.Metadata;

namespace OrleansGateway.Frontend.Http;

/// <summary>Declares what a route group's (or an endpoint's) request bodies must be.</summary>
public static class JsonBodyEndpointExtensions
{
    /// <summary>
    /// Request bodies must be JSON (<see cref="JsonBodyFilter.JsonMediaTypes"/>), else 415, and a
    /// <see cref="JsonBody{T}"/> that could not be read is answered before the handler runs.
    /// An endpoint of the group that takes something else declares it with <c>.Accepts(...)</c>
    /// or <see cref="AcceptsMediaTypes{TBuilder}"/>, which wins over the group's rule.
    /// </summary>
    public static TBuilder RequireJsonBody<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AcceptsMediaTypes(JsonBodyFilter.JsonMediaTypes);

    /// <summary>Request bodies must have one of <paramref name="mediaTypes"/>, else 415.</summary>
    public static TBuilder AcceptsMediaTypes<TBuilder>(this TBuilder builder, params string[] mediaTypes)
        where TBuilder : IEndpointConventionBuilder
    {
        // The handler reads the body itself; the OpenAPI document describes it as a JSON value (an AcceptsMetadata
        // without a type made document generation throw: it took the body for System.Void).
        builder.WithMetadata(new AcceptsMetadata(mediaTypes, typeof(System.Text.Json.JsonElement)));
        builder.AddEndpointFilter(new JsonBodyFilter());
        return builder;
    }

    /// <summary>The endpoint reads JSON bodies up to <paramref name="bytes"/> (from options) instead of <c>Gateway:MaxRequestBodyBytes</c>.</summary>
    public static TBuilder WithJsonBodyLimit<TBuilder>(this TBuilder builder, Func<IServiceProvider, long> bytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new JsonBodyLimit(bytes));
}
