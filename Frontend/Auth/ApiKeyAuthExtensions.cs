using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansGateway.Keys;
using OrleansGateway.Secrets;

namespace OrleansGateway.Frontend.Auth;

/// <summary>Registers and applies API key authentication: the admin keys and virtual keys (their look-up, prices and limits).</summary>
public static partial class ApiKeyAuthExtensions
{
    public static IServiceCollection AddGatewayAuth(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiKeyValidator>();
        // A cluster frontend makes no provider calls, so the gateway core (which has the redactor) is not added there.
        services.TryAddSingleton<SecretRedactor>();
        services.TryAddSingleton<VirtualKeyAuthenticator>();
        services.TryAddSingleton<KeyPrices>();
        services.TryAddSingleton<KeyAllowances>();
        services.TryAddSingleton<KeyMetrics>();
        services.TryAddSingleton<KeyGate>();
        return services;
    }

    /// <summary>Adds the key check, and warns at start when no key is configured.</summary>
    public static WebApplication UseGatewayAuth(this WebApplication app)
    {
        var validator = app.Services.GetRequiredService<ApiKeyValidator>();
        if (!validator.Enabled)
        {
            LogOpenGateway(app.Logger);
        }

        app.UseMiddleware<ApiKeyMiddleware>();
        return app;
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Neither SECRET_TOKEN nor API_KEYS is set: the gateway serves every request without authentication")]
    private static partial void LogOpenGateway(ILogger logger);
}
