namespace OrleansGateway.Frontend.OpenAi.Batches;

public static partial class BatchesApi
{
    [LoggerMessage(EventId = 2510, Level = LogLevel.Error, Message = "Batch {BatchId}: creation failed")]
    private static partial void LogCreateFailed(ILogger logger, string batchId, Exception exception);
}
