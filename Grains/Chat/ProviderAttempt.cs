using OrleansGateway.Telemetry;

namespace OrleansGateway.Chat;

/// <summary>
/// One attempt of a provider call inside the candidate loop: the candidate it runs against, the
/// <see cref="ProviderSlot"/> it holds and its <see cref="ProviderCallTelemetry"/> (span and measurements).
/// </summary>
public sealed class ProviderAttempt(ProviderRoute route, ProviderOptions options, ProviderSlot slot, ProviderCallTelemetry telemetry)
{
    public ProviderRoute Route { get; } = route;

    public ProviderOptions Options { get; } = options;

    public ProviderSlot Slot { get; } = slot;

    public ProviderCallTelemetry Telemetry { get; } = telemetry;
}
