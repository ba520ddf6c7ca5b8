using System.Text.Json;
using OrleansGateway.Embeddings;
using OrleansGateway.Keys;
using OrleansGateway.Streaming;

namespace OrleansGateway.Batch;

/// <summary>
/// Runs one batch task as its kind says, at batch priority: a <c>/v1/batch/generate</c> task (messages and the
/// job's parameters) or an OpenAI batch line's whole chat request through <see cref="ChatExecutor"/>, an embeddings
/// line through <see cref="EmbeddingExecutor"/> (provider slots, retries and fallbacks as for the endpoints), and
/// gives the result to record. A job created with a virtual key passes the key's limits first (<see cref="BatchKeyGate"/>):
/// when they are used up the task does not run and the answer says how long to wait (<see cref="Outcome.KeyWait"/>);
/// it settles with the provider's usage, or is released when it fails. Exceptions (the cluster's trouble, not the
/// provider's answer) pass through.
/// </summary>
public sealed class BatchTaskRunner(ChatExecutor chat, EmbeddingExecutor embeddings, BatchKeyGate keys, TokenUsageEstimator estimator)
{
    /// <summary>
    /// A run's end: the entry to record and its error, and the model that answered; or, with <see cref="KeyWait"/>,
    /// nothing to record: the key's limits ask the task to wait that long.
    /// </summary>
    public readonly record struct Outcome(TaskResultEntry Entry, GatewayError? Error, TimeSpan? KeyWait = null, string? Model = null);

    /// <summary>Runs task <paramref name="local"/> of <paramref name="input"/>.</summary>
    public async Task<Outcome> RunAsync(TaskGrainInputState input, int local, CancellationToken cancellationToken)
    {
        var batchTask = input.Tasks[local];
        var request = batchTask.Embedding is null
            ? batchTask.Chat is { } whole ? whole with { Priority = RequestPriority.Batch, IncludeStreamUsage = false } : input.RequestFor(local)
            : null;
        if (input.KeyId is not { } keyId)
        {
            return await RunAsync(batchTask, request, cancellationToken);
        }

        var admission = request is null
            ? await keys.AdmitAsync(keyId, batchTask.Embedding!.Model, batchTask.Embedding.Fallbacks, 0, 0)
            : await keys.AdmitAsync(keyId, request.Model, request.Fallbacks, estimator.Estimate(request, string.Empty).PromptTokens, request.MaxTokens ?? BatchKeyGate.DefaultMaxTokens);
        if (!admission.Admitted)
        {
            return admission.Error is { } error
                ? new Outcome(new TaskResultEntry { Status = BatchTaskStatus.Failed, Error = error.Message, Failure = error }, error)
                : new Outcome(new TaskResultEntry(), null, admission.Wait ?? BatchKeyGate.MaxWait);
        }

        Outcome? outcome = null;
        try
        {
            outcome = await RunAsync(batchTask, request, cancellationToken);
            return outcome.Value;
        }
        finally
        {
            if (outcome is { Error: null, Entry: { Status: BatchTaskStatus.Completed } entry, Model: { } model })
            {
                keys.Settle(admission, model, new TokenUsage(entry.PromptTokens, entry.CompletionTokens, entry.TotalTokens));
            }
            else
            {
                BatchKeyGate.Release(admission);
            }
        }
    }

    private async Task<Outcome> RunAsync(BatchTask batchTask, ChatRequest? request, CancellationToken cancellationToken)
    {
        if (batchTask.Embedding is { } embedding)
        {
            var embedded = await embeddings.EmbedAsync(embedding with { Priority = RequestPriority.Batch }, cancellationToken);
            if (!embedded.Succeeded)
            {
                return new Outcome(new TaskResultEntry { Status = BatchTaskStatus.Failed, Error = embedded.Error.Message, Failure = embedded.Error }, embedded.Error);
            }

            var usage = EmbeddingUsage(embedded.Body);
            return new Outcome(new TaskResultEntry
            {
                Status = BatchTaskStatus.Completed,
                EmbeddingBody = embedded.Body,
                AnsweredModel = embedded.Model,
                PromptTokens = usage.PromptTokens,
                TotalTokens = usage.TotalTokens,
            }, null, Model: embedded.Model);
        }

        var outcome = await chat.CompleteAsync(request!, cancellationToken);
        var entry = TaskResultEntry.Of(outcome);
        if (batchTask.Chat is not null)
        {
            // A whole request's answer is kept whole: the output file's body is what the endpoint would have answered.
            entry.Chat = outcome.Succeeded ? outcome.Result : null;
            entry.Failure = outcome.Succeeded ? null : outcome.Error;
        }

        return new Outcome(entry, outcome.Succeeded ? null : outcome.Error, Model: outcome.Succeeded ? outcome.Result.Model : null);
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
