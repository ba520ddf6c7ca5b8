using System.Text.Json;
using OrleansGateway.Chat;
using OrleansGateway.Embeddings;
using OrleansGateway.Errors;

namespace OrleansGateway.Batch;

/// <summary>
/// Runs one batch task as its kind says, at batch priority: a <c>/v1/batch/generate</c> task (messages and the
/// job's parameters) or an OpenAI batch line's whole chat request through <see cref="ChatExecutor"/>, an embeddings
/// line through <see cref="EmbeddingExecutor"/> (provider slots, retries and fallbacks as for the endpoints), and
/// gives the result to record. Exceptions (the cluster's trouble, not the provider's answer) pass through.
/// </summary>
public sealed class BatchTaskRunner(ChatExecutor chat, EmbeddingExecutor embeddings)
{
    /// <summary>The entry to record for task <paramref name="local"/> of <paramref name="input"/>, and its error when it failed.</summary>
    public async Task<(TaskResultEntry Entry, GatewayError? Error)> RunAsync(TaskGrainInputState input, int local, CancellationToken cancellationToken)
    {
        var batchTask = input.Tasks[local];
        if (batchTask.Embedding is { } embedding)
        {
            var embedded = await embeddings.EmbedAsync(embedding with { Priority = RequestPriority.Batch }, cancellationToken);
            if (!embedded.Succeeded)
            {
                return (new TaskResultEntry { Status = BatchTaskStatus.Failed, Error = embedded.Error.Message, Failure = embedded.Error }, embedded.Error);
            }

            var usage = EmbeddingUsage(embedded.Body);
            return (new TaskResultEntry
            {
                Status = BatchTaskStatus.Completed,
                EmbeddingBody = embedded.Body,
                AnsweredModel = embedded.Model,
                PromptTokens = usage.PromptTokens,
                TotalTokens = usage.TotalTokens,
            }, null);
        }

        var request = batchTask.Chat is { } whole
            ? whole with { Priority = RequestPriority.Batch, IncludeStreamUsage = false }
            : input.RequestFor(local);
        var outcome = await chat.CompleteAsync(request, cancellationToken);
        var entry = TaskResultEntry.Of(outcome);
        if (batchTask.Chat is not null)
        {
            // A whole request's answer is kept whole: the output file's body is what the endpoint would have answered.
            entry.Chat = outcome.Succeeded ? outcome.Result : null;
            entry.Failure = outcome.Succeeded ? null : outcome.Error;
        }

        return (entry, outcome.Succeeded ? null : outcome.Error);
    }

    /// <summary>The <c>usage</c> of an embeddings body (<c>prompt_tokens</c>, <c>total_tokens</c>); zero when it has none.</summary>
    public static TokenUsage EmbeddingUsage(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                var prompt = usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt32(out var pv) ? pv : 0;
                var total = usage.TryGetProperty("total_tokens", out var t) && t.TryGetInt32(out var tv) ? tv : prompt;
                return new TokenUsage(prompt, 0, total);
            }
        }
        catch (JsonException)
        {
            // The executor checked the body's shape; a usage it cannot read counts as none.
        }

        return TokenUsage.Zero;
    }
}
