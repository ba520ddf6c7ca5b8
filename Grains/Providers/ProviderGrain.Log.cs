namespace OrleansGateway.Providers;

public sealed partial class ProviderGrain
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Provider {Provider}: recovering leases from renewals for {Window} before granting new slots")]
        public static partial void Recovering(ILogger logger, string provider, TimeSpan window);

        [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Provider {Provider}: {Count} lease(s) expired without release")]
        public static partial void LeasesExpired(ILogger logger, string provider, int count);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Provider {Provider}: circuit opened after {Failures} consecutive failures")]
        public static partial void CircuitOpened(ILogger logger, string provider, int failures);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Provider {Provider}: circuit half-open, letting one trial request through")]
        public static partial void CircuitHalfOpen(ILogger logger, string provider);

        [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Provider {Provider}: circuit closed")]
        public static partial void CircuitClosed(ILogger logger, string provider);

        [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "Provider {Provider}: freed {Count} slot(s) held by silos the cluster declared dead")]
        public static partial void LeasesOfDeadSilosFreed(ILogger logger, string provider, int count);

        [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Provider {Provider}: adopted {Count} lease(s) handed over by its previous activation (state written in {WriteMs:0} ms)")]
        public static partial void LeasesHandedOver(ILogger logger, string provider, int count, double writeMs);

        [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Provider {Provider}: handed {Count} lease(s) over to its next activation ({Reason}; state written in {WriteMs:0} ms)")]
        public static partial void LeasesHandingOver(ILogger logger, string provider, int count, DeactivationReasonCode reason, double writeMs);
    }
}
