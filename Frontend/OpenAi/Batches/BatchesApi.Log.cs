namespace OrleansGateway.Frontend.OpenAi.Batches;

public static partial class BatchesApi
{
    [LoggerMessage(EventId = 2510, Level = LogLevel.Error, Message = "Batch {BatchId}: creation failed")]
    private static partial void LogCreateFailed(ILogger logger, string batchId, Exception exception);

    [LoggerMessage(EventId = 2511, Level = LogLevel.Information, Message = "Batch {BatchId}: {Lines} lines checked in {CheckMs:0} ms, stored in the task grains in {StoreMs:0} ms, recorded in {RecordMs:0} ms")]
    private static partial void LogCreated(ILogger logger, string batchId, int lines, double checkMs, double storeMs, double recordMs);
}
