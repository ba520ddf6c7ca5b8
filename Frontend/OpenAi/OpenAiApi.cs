using OrleansGateway.Frontend.Http;

namespace OrleansGateway.Frontend.OpenAi;

/// <summary>The OpenAI-compatible <c>/v1</c> surface's route group.</summary>
public static class OpenAiApi
{
    /// <summary>
    /// The <c>/v1</c> group: OpenAI's error shape (<see cref="OpenAiErrors"/>), gateway keys, JSON bodies;
    /// the surface's features map themselves on it.
    /// </summary>
    public static RouteGroupBuilder MapOpenAiSurface(this IEndpointRouteBuilder app) =>
        app.MapSurfaceGroup("/v1", ApiSurface.OpenAi);
}
