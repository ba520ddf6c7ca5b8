namespace OrleansGateway.Frontend.Http;

/// <summary>Endpoint metadata: the largest JSON body the endpoint reads, when it is not <c>Gateway:MaxRequestBodyBytes</c>.</summary>
public sealed class JsonBodyLimit(Func<IServiceProvider, long> bytes)
{
    /// <summary>The limit in bytes, from the request's services (options).</summary>
    public long BytesFor(IServiceProvider services) => bytes(services);
}
