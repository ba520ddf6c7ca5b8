using System.Buffers;
using System.Collections.Immutable;
using System.IO.Pipelines;
using System.Text.Json;
using OrleansGateway.Batch;
using OrleansGateway.Errors;
using OrleansGateway.Frontend.Chat;
using OrleansGateway.Frontend.OpenAi.Embeddings;
using OrleansGateway.Frontend.Http;
using OrleansGateway.Frontend.OpenAi.Chat;

namespace OrleansGateway.Frontend.OpenAi.Batches;

/// <summary>
/// Reads an OpenAI batch input file (JSON Lines, streamed from the blob store) into tasks, one per non-blank
/// line: <c>{custom_id, method: "POST", url, body}</c>, each body mapped exactly as its endpoint maps a request
/// (<see cref="ChatCompletionMapper.FromJson"/>, <see cref="EmbeddingsMapper.FromJson"/>), so a line runs as the same
/// request sent to the endpoint would. Every bad line is reported with its 1-based line number (up to
/// <see cref="MaxErrors"/>): not JSON, a lone surrogate or invalid UTF-8, a missing or duplicate <c>custom_id</c>, a
/// method other than POST, a <c>url</c> other than the batch's endpoint, a body the endpoint would refuse (an unknown provider included).
/// </summary>
public sealed class BatchInputReader(ModelResolver models)
{
    /// <summary>Line errors reported at most (the last one says how many more there were).</summary>
    public const int MaxErrors = 1000;

    /// <summary>The longest line read, in bytes (a longer one is a line error).</summary>
    public const int MaxLineBytes = 64 * 1024 * 1024;

    /// <summary>What the file held: tasks when every line is good, else the errors; the number of non-blank lines either way.</summary>
    public sealed record Result(ImmutableArray<BatchTask> Tasks, ImmutableArray<BatchLineError> Errors, int LineCount, string FirstModel);

    /// <summary>Reads every line of <paramref name="content"/> for a batch of <paramref name="endpoint"/>.</summary>
    public async Task<Result> ReadAsync(Stream content, string endpoint, CancellationToken cancellationToken)
    {
        var tasks = ImmutableArray.CreateBuilder<BatchTask>();
        var errors = ImmutableArray.CreateBuilder<BatchLineError>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var more = 0;
        var line = 0;
        var requests = 0;
        string? firstModel = null;
        var reader = PipeReader.Create(content, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                while (TryTakeLine(ref buffer, out var bytes))
                {
                    line++;
                    Take(bytes);
                }

                if (read.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        line++;
                        Take(buffer);
                    }

                    reader.AdvanceTo(buffer.End);
                    break;
                }

                if (buffer.Length > MaxLineBytes)
                {
                    line++;
                    Report(new BatchLineError("line_too_long", $"Line {line} is longer than {MaxLineBytes} bytes.", null, line));
                    return new Result([], errors.ToImmutable(), requests + 1, string.Empty);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }

        if (more > 0)
        {
            errors.Add(new BatchLineError("too_many_errors", $"{more} more line(s) have errors; only the first {MaxErrors} are listed.", null, null));
        }

        return errors.Count > 0
            ? new Result([], errors.ToImmutable(), requests, string.Empty)
            : new Result(tasks.ToImmutable(), [], requests, firstModel ?? string.Empty);

        void Take(ReadOnlySequence<byte> bytes)
        {
            ReadOnlySpan<byte> span = bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray();
            if (IsBlank(span))
            {
                return;
            }

            requests++;
            var (task, error) = ReadLine(span, line, endpoint, ids);
            if (error is not null)
            {
                Report(error);
            }
            else if (errors.Count == 0)
            {
                tasks.Add(task!);
                firstModel ??= task!.Chat?.Model ?? task!.Embedding?.Model;
            }
        }

        void Report(BatchLineError error)
        {
            if (errors.Count < MaxErrors)
            {
                errors.Add(error);
            }
            else
            {
                more++;
            }
        }
    }

    /// <summary>One line's task, or its error.</summary>
    public (BatchTask? Task, BatchLineError? Error) ReadLine(ReadOnlySpan<byte> json, int line, string endpoint, HashSet<string> ids)
    {
        if (JsonStringValidator.FindInvalidString(json) is { } path)
        {
            return Error("invalid_json_line", $"Line {line}: the string at '{path}' is not valid UTF-8 or holds a lone surrogate.", path, line);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException exception)
        {
            return Error("invalid_json_line", $"Line {line} is not valid JSON: {exception.Message}", null, line);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Error("invalid_json_line", $"Line {line} must be a JSON object {{custom_id, method, url, body}}.", null, line);
            }

            if (!root.TryGetProperty("custom_id", out var idElement) || idElement.ValueKind != JsonValueKind.String || idElement.GetString() is not { Length: > 0 } customId)
            {
                return Error("missing_custom_id", $"Line {line}: 'custom_id' is required, a non-empty string.", "custom_id", line);
            }

            if (!ids.Add(customId))
            {
                return Error("duplicate_custom_id", $"Line {line}: the custom_id '{customId}' is used by an earlier line; each line needs its own.", "custom_id", line);
            }

            if (!root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String || method.GetString() != "POST")
            {
                return Error("invalid_method", $"Line {line}: 'method' must be 'POST'.", "method", line);
            }

            if (!root.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String || url.GetString() != endpoint)
            {
                return Error("invalid_url", $"Line {line}: 'url' must be the batch's endpoint '{endpoint}'.", "url", line);
            }

            if (!root.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object)
            {
                return Error("invalid_body", $"Line {line}: 'body' is required, the JSON object sent to {endpoint}.", "body", line);
            }

            var raw = System.Text.Encoding.UTF8.GetBytes(body.GetRawText());
            GatewayError? refused;
            BatchTask? task = null;
            if (endpoint == "/v1/embeddings")
            {
                var (request, error) = EmbeddingsMapper.FromJson(raw, models);
                refused = error;
                task = request is null ? null : new BatchTask(customId, []) { Embedding = request };
            }
            else
            {
                var (request, error) = ChatCompletionMapper.FromJson(raw, models);
                refused = error;
                task = request is null ? null : new BatchTask(customId, request.Messages) { Chat = request };
            }

            if (refused is not null)
            {
                var unknownModel = refused.Kind == GatewayErrorKind.NotFound
                    || (refused.Param == "model" && refused.Message.Contains("provider", StringComparison.OrdinalIgnoreCase));
                var code = unknownModel ? "model_not_found" : "invalid_body";
                var param = refused.Param is { Length: > 0 } p ? "body." + p : "body";
                return Error(code, $"Line {line}: {refused.Message}", param, line);
            }

            return (task, null);
        }
    }

    private static (BatchTask?, BatchLineError?) Error(string code, string message, string? param, int line) =>
        (null, new BatchLineError(code, message, param, line));

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        if (buffer.PositionOf((byte)'\n') is not { } end)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, end);
        buffer = buffer.Slice(buffer.GetPosition(1, end));
        return true;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }
}
