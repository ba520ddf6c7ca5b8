namespace OrleansGateway.Frontend.Telemetry;

/// <summary>Applies <see cref="RequestIdMiddleware"/>.</summary>
public static class RequestIdExtensions
{
    /// <summary>Adds the request id first, so every later middleware's response and log line has it.</summary>
    public static WebApplication UseRequestId(this WebApplication app)
    {
        app.UseMiddleware<RequestIdMiddleware>();
        return app;
    }
}
