using System.Net;
using System.Net.Http.Headers;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>
/// An in-memory HTTP handler that answers every request with the same JSON body, reading the request
/// body first. The answer is a forward-only stream, like a socket's: System.ClientModel treats a
/// <see cref="MemoryStream"/> body as already buffered (and buffers it again when the response is
/// disposed), which a network answer never is.
/// </summary>
public sealed class CannedResponseHandler(byte[] body) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken);
        }

        var content = new StreamContent(new ForwardOnlyStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }
}
