namespace OrleansGateway.Frontend.Telemetry;

/// <summary>
/// Gives every response an <c>x-request-id</c>: the client's own when it sent a sane one (at most
/// <see cref="MaxLength"/> printable ASCII characters), otherwise a new one. The id is set before
/// the endpoint runs, so errors and streams carry it too, and it is in a log scope for every log
/// line written while the request runs.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    /// <summary>The header's name, as OpenAI's SDKs read it.</summary>
    public const string HeaderName = "x-request-id";

    /// <summary>The longest client-sent id kept; a longer one is replaced.</summary>
    public const int MaxLength = 128;

    private static readonly Func<ILogger, string, IDisposable?> Scope = LoggerMessage.DefineScope<string>("RequestId:{RequestId}");

    public async Task InvokeAsync(HttpContext context)
    {
        var id = Accept(context.Request.Headers[HeaderName].ToString()) ?? NewId();
        context.Items[HeaderName] = id;
        context.Response.Headers[HeaderName] = id;
        // Set again as the response starts: the exception handler clears headers before it answers.
        context.Response.OnStarting(SetHeader, context);
        using (Scope(logger, id))
        {
            await next(context).ConfigureAwait(false);
        }
    }

    private static Task SetHeader(object state)
    {
        var context = (HttpContext)state;
        context.Response.Headers[HeaderName] = (string)context.Items[HeaderName]!;
        return Task.CompletedTask;
    }

    /// <summary>The client's id when it is non-empty, bounded and printable ASCII; otherwise null.</summary>
    public static string? Accept(string value)
    {
        if (value.Length is 0 or > MaxLength)
        {
            return null;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return null;
            }
        }

        return value;
    }

    private static string NewId() => "req_" + Guid.NewGuid().ToString("N");
}
