using System.Buffers;
using System.Collections.Immutable;
using System.IO.Pipelines;
using OrleansGateway.Batch;

namespace OrleansGateway.Frontend.OpenAi.Batches;

/// <summary>
/// Reads an OpenAI batch input file (JSON Lines, streamed from the blob store) in two passes, never holding it whole:
/// <see cref="ValidateAsync"/> checks every line, then <see cref="ReadTasksAsync"/> hands out the tasks, one per non-blank
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

    /// <summary>
    /// What the validation pass found: the errors (empty when every line is good), the number of non-blank lines,
    /// the first line's model, and the largest task as a call carries it (its size and line number).
    /// </summary>
    public sealed record Result(ImmutableArray<BatchLineError> Errors, int LineCount, string FirstModel, long LargestTaskBytes, int LargestTaskLine);

    private delegate void LineHandler(ReadOnlySpan<byte> line, int number);

    /// <summary>
    /// The validation pass: reads and checks every line of <paramref name="content"/> for a batch of <paramref name="endpoint"/>
    /// without keeping the tasks (each is measured with <paramref name="sizeOf"/> and dropped), so it holds one line at a time.
    /// <paramref name="check"/>, when given, is asked about each line that reads well (with its line number): an error it
    /// answers is that line's error (a virtual key's model access).
    /// </summary>
    public async Task<Result> ValidateAsync(Stream content, string endpoint, Func<BatchTask, long> sizeOf, CancellationToken cancellationToken, Func<BatchTask, int, BatchLineError?>? check = null)
    {
        var errors = ImmutableArray.CreateBuilder<BatchLineError>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var more = 0;
        var requests = 0;
        long largest = 0;
        var largestLine = 0;
        string? firstModel = null;
        var tooLong = await ForEachLineAsync(content, (bytes, line) =>
        {
            if (IsBlank(bytes))
            {
                return;
            }

            requests++;
            var (task, error) = ReadLine(bytes, line, endpoint, ids);
            if ((error ?? check?.Invoke(task!, line)) is { } refused)
            {
                Report(refused);
                return;
            }

            firstModel ??= task!.Chat?.Model ?? task!.Embedding?.Model;
            if (errors.Count > 0)
            {
                return;
            }

            var size = sizeOf(task!);
            if (size > largest)
            {
                (largest, largestLine) = (size, line);
            }
        }, afterChunk: null, cancellationToken);

        if (tooLong > 0)
        {
            Report(new BatchLineError("line_too_long", $"Line {tooLong} is longer than {MaxLineBytes} bytes.", null, tooLong));
            return new Result(errors.ToImmutable(), requests + 1, string.Empty, 0, 0);
        }

        if (more > 0)
        {
            errors.Add(new BatchLineError("too_many_errors", $"{more} more line(s) have errors; only the first {MaxErrors} are listed.", null, null));
        }

        return errors.Count > 0
            ? new Result(errors.ToImmutable(), requests, string.Empty, 0, 0)
            : new Result([], requests, firstModel ?? string.Empty, largest, largestLine);

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

    /// <summary>
    /// The second pass over a file <see cref="ValidateAsync"/> found good: each line's task in order, handed to
    /// <paramref name="add"/> after each chunk read (which may wait, e.g. while group writes are in flight); the number of tasks.
    /// </summary>
    public async Task<int> ReadTasksAsync(Stream content, string endpoint, Func<BatchTask, ValueTask> add, CancellationToken cancellationToken)
    {
        var ready = new List<BatchTask>();
        var count = 0;
        var tooLong = await ForEachLineAsync(content, (bytes, line) =>
        {
            if (IsBlank(bytes))
            {
                return;
            }

            var (task, error) = ReadLine(bytes, line, endpoint, ids: null);
            ready.Add(task ?? throw new InvalidOperationException($"Line {line} of a validated batch input file no longer reads: {error?.Message}"));
        }, afterChunk: async () =>
        {
            foreach (var task in ready)
            {
                await add(task);
                count++;
            }

            ready.Clear();
        }, cancellationToken);
        if (tooLong > 0)
        {
            throw new InvalidOperationException($"Line {tooLong} of a validated batch input file is longer than {MaxLineBytes} bytes.");
        }

        return count;
    }

    /// <summary>Calls <paramref name="handle"/> for each line (1-based numbers, blank ones too), <paramref name="afterChunk"/> after each chunk; the number of a line over <see cref="MaxLineBytes"/> (reading stops there), else 0.</summary>
    private static async Task<int> ForEachLineAsync(Stream content, LineHandler handle, Func<ValueTask>? afterChunk, CancellationToken cancellationToken)
    {
        var line = 0;
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
                    return line + 1;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (afterChunk is not null)
                {
                    await afterChunk();
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }

        if (afterChunk is not null)
        {
            await afterChunk();
        }

        return 0;

        void Take(ReadOnlySequence<byte> bytes)
        {
            ReadOnlySpan<byte> span = bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray();
            handle(span, line);
        }
    }

    /// <summary>One line's task, or its error; <paramref name="ids"/> (the custom ids so far) null skips the duplicate check.</summary>
    public (BatchTask? Task, BatchLineError? Error) ReadLine(ReadOnlySpan<byte> json, int line, string endpoint, HashSet<string>? ids)
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

            if (ids is not null && !ids.Add(customId))
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
