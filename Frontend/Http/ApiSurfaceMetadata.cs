namespace OrleansGateway.Frontend.Http;

/// <summary>Endpoint metadata naming the endpoint's <see cref="ApiSurface"/>; set on a surface's route group.</summary>
public sealed class ApiSurfaceMetadata(ApiSurface surface)
{
    public ApiSurface Surface { get; } = surface;
}
