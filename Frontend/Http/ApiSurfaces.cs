namespace OrleansGateway.Frontend.Http;

/// <summary>
/// The route groups of the surfaces, and which surface a request belongs to: its endpoint's
/// <see cref="ApiSurfaceMetadata"/>, or, for a request no endpoint matched (an unknown path, a wrong
/// method), the surface of the group whose prefix its path falls under (the longest). Anything else
/// answers as <see cref="ApiSurface.Llm"/>, the documented API.
/// </summary>
public sealed class ApiSurfaces
{
    private readonly List<(PathString Prefix, ApiSurface Surface)> _groups = [];

    /// <summary>Records a surface's group prefix (at start, while endpoints are mapped).</summary>
    public void Add(PathString prefix, ApiSurface surface)
    {
        lock (_groups)
        {
            _groups.Add((prefix, surface));
            _groups.Sort((a, b) => b.Prefix.Value!.Length.CompareTo(a.Prefix.Value!.Length));
        }
    }

    /// <summary>The surface whose error shape <paramref name="context"/> answers with.</summary>
    public ApiSurface Of(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ApiSurfaceMetadata>() is { } metadata)
        {
            return metadata.Surface;
        }

        var path = context.Request.Path;
        foreach (var (prefix, surface) in _groups)
        {
            if (prefix.HasValue && path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return surface;
            }
        }

        return ApiSurface.Llm;
    }
}
