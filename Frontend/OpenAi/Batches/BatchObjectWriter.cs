using OrleansGateway.Batch;

namespace OrleansGateway.Frontend.OpenAi.Batches;

/// <summary>OpenAI's batch object (<c>object: "batch"</c>) and batch list, written field by field as OpenAI writes them (absent values as null).</summary>
public static class BatchObjectWriter
{
    /// <summary>One batch object.</summary>
    public static void Write(Utf8JsonWriter writer, OpenAiBatchView batch)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, batch.Id);
        writer.WriteString("object"u8, "batch"u8);
        writer.WriteString("endpoint"u8, batch.Endpoint);
        writer.WritePropertyName("errors"u8);
        if (batch.Errors.IsDefaultOrEmpty)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "list"u8);
            writer.WriteStartArray("data"u8);
            foreach (var error in batch.Errors)
            {
                writer.WriteStartObject();
                writer.WriteString("code"u8, error.Code);
                writer.WriteString("message"u8, error.Message);
                WriteStringOrNull(writer, "param"u8, error.Param);
                if (error.Line is { } line)
                {
                    writer.WriteNumber("line"u8, line);
                }
                else
                {
                    writer.WriteNull("line"u8);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteString("input_file_id"u8, batch.InputFileId);
        writer.WriteString("completion_window"u8, batch.CompletionWindow);
        writer.WriteString("status"u8, batch.Status);
        WriteStringOrNull(writer, "output_file_id"u8, batch.OutputFileId);
        WriteStringOrNull(writer, "error_file_id"u8, batch.ErrorFileId);
        writer.WriteNumber("created_at"u8, batch.CreatedAt.ToUnixTimeSeconds());
        WriteTime(writer, "in_progress_at"u8, batch.InProgressAt);
        WriteTime(writer, "expires_at"u8, batch.ExpiresAt);
        WriteTime(writer, "finalizing_at"u8, batch.FinalizingAt);
        WriteTime(writer, "completed_at"u8, batch.CompletedAt);
        WriteTime(writer, "failed_at"u8, batch.FailedAt);
        WriteTime(writer, "expired_at"u8, batch.ExpiredAt);
        WriteTime(writer, "cancelling_at"u8, batch.CancellingAt);
        WriteTime(writer, "cancelled_at"u8, batch.CancelledAt);
        writer.WriteStartObject("request_counts"u8);
        writer.WriteNumber("total"u8, batch.Total);
        writer.WriteNumber("completed"u8, batch.Completed);
        writer.WriteNumber("failed"u8, batch.Failed);
        writer.WriteEndObject();
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, batch.Usage.PromptTokens);
        writer.WriteStartObject("input_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, 0);
        writer.WriteEndObject();
        writer.WriteNumber("output_tokens"u8, batch.Usage.CompletionTokens);
        writer.WriteStartObject("output_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, 0);
        writer.WriteEndObject();
        writer.WriteNumber("total_tokens"u8, batch.Usage.TotalTokens);
        writer.WriteEndObject();
        writer.WritePropertyName("metadata"u8);
        if (batch.MetadataJson is { } metadata && IsObject(metadata))
        {
            writer.WriteRawValue(metadata, skipInputValidation: true);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }

    /// <summary>A page of batches: <c>{object: "list", data, first_id, last_id, has_more}</c>.</summary>
    public static void WriteList(Utf8JsonWriter writer, IReadOnlyList<OpenAiBatchView> batches, bool hasMore)
    {
        writer.WriteStartObject();
        writer.WriteString("object"u8, "list"u8);
        writer.WriteStartArray("data"u8);
        foreach (var batch in batches)
        {
            Write(writer, batch);
        }

        writer.WriteEndArray();
        WriteStringOrNull(writer, "first_id"u8, batches.Count > 0 ? batches[0].Id : null);
        WriteStringOrNull(writer, "last_id"u8, batches.Count > 0 ? batches[^1].Id : null);
        writer.WriteBoolean("has_more"u8, hasMore);
        writer.WriteEndObject();
    }

    /// <summary>The bytes of <paramref name="write"/>'s JSON.</summary>
    public static byte[] ToBytes(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    private static bool IsObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void WriteTime(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            writer.WriteNumber(name, value.ToUnixTimeSeconds());
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
