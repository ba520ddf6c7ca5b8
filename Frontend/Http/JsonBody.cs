using System.Text.Json.Serialization.Metadata;

namespace OrleansGateway.Frontend.Http;

/// <summary>
/// A handler's JSON request body, read by <see cref="RequestBodyReader"/> while the handler's parameters
/// are bound (within the endpoint's <see cref="JsonBodyLimit"/>, else <c>Gateway:MaxRequestBodyBytes</c>).
/// A body that could not be read (missing, too large, malformed) is answered by the group's
/// <see cref="JsonBodyFilter"/> in the surface's error shape before the handler runs, so a handler
/// only ever sees <see cref="Value"/>.
/// </summary>
public sealed class JsonBody<T> : IJsonBody
    where T : class
{
    private static readonly JsonTypeInfo<T> s_typeInfo = (JsonTypeInfo<T>)GatewayJsonContext.Default.GetTypeInfo(typeof(T))!;

    private readonly T? _value;

    private JsonBody(T? value, GatewayError? error)
    {
        _value = value;
        Error = error;
    }

    /// <summary>The parsed body.</summary>
    public T Value => _value ?? throw new InvalidOperationException($"The body of type {typeof(T).Name} was not read ({Error?.Message}); the endpoint's group lacks the JSON body filter.");

    /// <inheritdoc />
    public GatewayError? Error { get; }

    /// <summary>Minimal APIs' binding hook: reads and parses the body.</summary>
    public static async ValueTask<JsonBody<T>?> BindAsync(HttpContext context)
    {
        var reader = context.RequestServices.GetRequiredService<RequestBodyReader>();
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<JsonBodyLimit>()?.BytesFor(context.RequestServices);
        var read = await reader.ReadAsync(context, s_typeInfo, limit);
        return new JsonBody<T>(read.Value, read.Error);
    }
}
