using Microsoft.Extensions.Logging;

namespace OrleansGateway.Keys;

public sealed partial class KeyAllowance
{
    [LoggerMessage(EventId = 2610, Level = LogLevel.Warning, Message = "Key {KeyId}: the exchange with the key's grain failed; it is sent again with the next one")]
    private static partial void LogExchangeFailed(ILogger logger, string keyId, Exception exception);
}
