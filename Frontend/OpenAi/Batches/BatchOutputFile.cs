using OrleansGateway.Batch;

namespace OrleansGateway.Frontend.OpenAi.Batches;

/// <summary>
/// The content of an OpenAI batch's output and error files, written from its job's stored results as it is read
/// (a page of <see cref="PageSize"/> results at a time, flushed as it goes), so it survives any restart and is never
/// held whole. A line is <c>{id, custom_id, response: {status_code, request_id, body}, error}</c>: answered lines in
/// the output file with the body the endpoint would have answered; failed lines in the error file with the status
/// and error body the endpoint would have answered; lines a cancel, an expiry or a failed job left unrun there too,
/// with <c>response: null</c> and <c>error: {code, message}</c>. Every line is in exactly one of the two files, once.
/// </summary>
public static class BatchOutputFile
{
    /// <summary>Results read per call to the job.</summary>
    public const int PageSize = 100;

    private static readonly byte[] s_newLine = "\n"u8.ToArray();

    /// <summary>Writes the output file (<paramref name="errors"/> false) or the error file of batch <paramref name="batchId"/>.</summary>
    public static async Task WriteAsync(Stream destination, IGrainFactory grains, string batchId, bool errors, CancellationToken cancellationToken)
    {
        var job = grains.GetGrain<IBatchJobGrain>(batchId);
        var view = await job.GetAsync();
        if (view is null)
        {
            return;
        }

        var unrun = view.Status switch
        {
            BatchJobStatus.Cancelled => ("batch_cancelled", "The batch was cancelled before this request ran."),
            BatchJobStatus.Expired => ("batch_expired", "The batch's completion window closed before this request ran."),
            _ => ("batch_failed", "The batch failed before this request ran: " + view.Error),
        };
        await using var writer = new Utf8JsonWriter(destination, new JsonWriterOptions { SkipValidation = true });
        for (var offset = 0; offset < view.TaskCount; offset += PageSize)
        {
            foreach (var result in await job.GetResultsAsync(offset, PageSize))
            {
                var answered = result.Status == BatchTaskStatus.Completed;
                if (answered == errors)
                {
                    continue;
                }

                WriteLine(writer, batchId, result, unrun);
                await writer.FlushAsync(cancellationToken);
                await destination.WriteAsync(s_newLine, cancellationToken);
                writer.Reset();
            }

            await destination.FlushAsync(cancellationToken);
        }
    }

    private static void WriteLine(Utf8JsonWriter writer, string batchId, BatchTaskResult result, (string Code, string Message) unrun)
    {
        var lineId = $"batch_req_{batchId.AsSpan(Math.Min(6, batchId.Length))}_{result.Index}";
        writer.WriteStartObject();
        writer.WriteString("id"u8, lineId);
        writer.WriteString("custom_id"u8, result.Id);
        if (result.Status == BatchTaskStatus.Pending)
        {
            writer.WriteNull("response"u8);
            writer.WriteStartObject("error"u8);
            writer.WriteString("code"u8, unrun.Code);
            writer.WriteString("message"u8, unrun.Message);
            writer.WriteEndObject();
            writer.WriteEndObject();
            return;
        }

        writer.WriteStartObject("response"u8);
        if (result.Status == BatchTaskStatus.Completed)
        {
            writer.WriteNumber("status_code"u8, StatusCodes.Status200OK);
            writer.WriteString("request_id"u8, result.Chat?.Id ?? lineId);
            writer.WritePropertyName("body"u8);
            writer.WriteRawValue(Body(result), skipInputValidation: true);
        }
        else
        {
            var failure = result.Failure ?? OrleansGateway.Errors.GatewayError.Invalid(result.Error ?? "The request failed.");
            writer.WriteNumber("status_code"u8, OpenAiErrors.StatusOf(failure));
            writer.WriteString("request_id"u8, lineId);
            writer.WritePropertyName("body"u8);
            writer.WriteRawValue(JsonSerializer.SerializeToUtf8Bytes(OpenAiErrors.BodyOf(failure), GatewayJsonContext.Default.OpenAiErrorResponse), skipInputValidation: true);
        }

        writer.WriteEndObject();
        writer.WriteNull("error"u8);
        writer.WriteEndObject();
    }

    private static byte[] Body(BatchTaskResult result)
    {
        if (result.Chat is { } chat)
        {
            return ChatCompletionBody.Write(chat);
        }

        if (result.EmbeddingBody is { } body && result.AnsweredModel is { } model)
        {
            return EmbeddingsMapper.ToResponseBody(OrleansGateway.Embeddings.EmbeddingOutcome.Success(body, model));
        }

        // A task without a whole request (not an OpenAI batch line): its text as a message.
        return BatchObjectWriter.ToBytes(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("content"u8, result.Output);
            writer.WriteEndObject();
        });
    }
}
