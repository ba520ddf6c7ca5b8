namespace OrleansGateway.Frontend.Keys;

public sealed partial class KeyGate
{
    [LoggerMessage(EventId = 2600, Level = LogLevel.Error, Message = "Key {KeyId}: the admission call failed")]
    private static partial void LogAdmitFailed(ILogger logger, string keyId, Exception exception);

}
