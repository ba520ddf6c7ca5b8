using Microsoft.Extensions.Logging;
using OrleansGateway.Errors;

namespace OrleansGateway.Embeddings;

public sealed partial class EmbeddingExecutor
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1800, Level = LogLevel.Warning, Message = "Embedding model {Model} failed ({Kind}): {Error}")]
        public static partial void CandidateFailed(ILogger logger, string model, GatewayErrorKind kind, string error);
    }
}
