namespace OrleansGateway.Hosting;

public sealed partial class LegacyHostingSettingsWarning
{
    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "The setting {OldKey} is deprecated and still honoured; set {NewKey} instead")]
    private static partial void LogLegacyKey(ILogger logger, string oldKey, string newKey);
}
