using Microsoft.Extensions.Time.Testing;

namespace OrleansGateway.Tests.Infrastructure;

/// <summary>
/// Puts a test's <see cref="FakeTimeProvider"/> behind a silo's <see cref="TimeProvider"/> for the gateway's own code
/// and for grain timers, while the Orleans runtime's own loops keep real time.
/// </summary>
/// <remarks>
/// Orleans resolves each runtime area's clock as a keyed <see cref="TimeProvider"/> that falls back to the unkeyed
/// one (<see cref="TimeProviderNames"/>). Left on the fake clock, <see cref="FakeTimeProvider.Advance"/> resumes the
/// silo's maintenance and membership loops inline on the test's thread, and moves message expiry and response
/// timeouts; a test that advances the clock while grain calls are in flight then hung now and again (a stack dump
/// showed the test thread inside Orleans' DelayUntilAsync under Advance). Pinning those areas to system time is what
/// <see cref="TimeProviderNames"/> is documented for.
/// </remarks>
public static class SiloFakeTime
{
    private static readonly string[] s_runtimeAreas =
    [
        TimeProviderNames.Messaging,
        TimeProviderNames.SystemTimers,
        TimeProviderNames.Membership,
        TimeProviderNames.ActivationManagement,
        TimeProviderNames.GrainDirectory,
    ];

    public static IServiceCollection AddGatewayFakeTime(this IServiceCollection services, FakeTimeProvider time)
    {
        services.AddSingleton<TimeProvider>(time);
        foreach (var area in s_runtimeAreas)
        {
            services.AddKeyedSingleton(area, TimeProvider.System);
        }

        return services;
    }
}
