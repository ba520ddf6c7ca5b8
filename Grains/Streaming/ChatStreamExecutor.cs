using System.Runtime.CompilerServices;
using System.Text;
using OrleansGateway.Secrets;
using OrleansGateway.Telemetry;

namespace OrleansGateway.Streaming;

/// <summary>
/// Runs a streamed chat request where it is called. Until the first token it behaves like
/// <see cref="ChatExecutor"/>: for each candidate model it takes a slot from the provider's grain,
/// retries retryable failures (including the first-token timeout) with backoff, holding no slot
/// while it waits, then falls back to the next candidate. Once a token has arrived nothing is
/// retried: the text is yielded as it comes, and a failure ends the stream with one failed event.
/// The slot is held until the stream ends or its consumer goes away.
/// </summary>
public sealed partial class ChatStreamExecutor(
    ChatExecutor chat,
    ProviderClientRegistry registry,
    TokenUsageEstimator estimator,
    TimeProvider time,
    SecretRedactor redactor,
    ILogger<ChatStreamExecutor> logger)
{
    /// <summary>Streams a completion: deltas, then one completed or failed event.</summary>
    public async IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (active, error) = await StartAsync(request, cancellationToken);
        if (active is null)
        {
            yield return ChatStreamEvent.Failed(error!);
            yield break;
        }

        var outcome = CallOutcome.Neutral;
        try
        {
            var id = active.Stream.CompletionId ?? ProviderChatCaller.NewCompletionId();
            var model = active.Route.FullName;
            var created = time.GetUtcNow().ToUnixTimeSeconds();
            var text = new StringBuilder();
            while (true)
            {
                var (piece, failure) = await active.NextAsync();
                if (failure is not null)
                {
                    outcome = failure.CountsAsProviderFailure ? CallOutcome.ProviderFailure : CallOutcome.Neutral;
                    if (failure.Error.Kind != GatewayErrorKind.Cancelled)
                    {
                        Log.StreamBroken(logger, model, failure.Error.Kind, failure.LogMessage);
                    }

                    active.Attempt.Telemetry.Failed(failure.Error);
                    yield return ChatStreamEvent.Failed(failure.Error);
                    yield break;
                }

                if (piece is null)
                {
                    outcome = CallOutcome.Success;
                    var all = text.ToString();
                    var usage = active.Stream.Usage ?? estimator.Estimate(request, all);
                    active.Attempt.Telemetry.Succeeded(active.Stream.CompletionId, active.Stream.FinishReason ?? "stop", usage);
                    yield return ChatStreamEvent.Completed(id, model, created, all, active.Stream.FinishReason ?? "stop", usage);
                    yield break;
                }

                var (pieceText, rawChunk) = piece.Value;
                text.Append(pieceText);
                yield return rawChunk is null
                    ? ChatStreamEvent.Delta(id, model, created, pieceText)
                    : ChatStreamEvent.RawDelta(id, model, created, pieceText, rawChunk);
            }
        }
        finally
        {
            await active.CloseAsync(outcome);
        }
    }

    /// <summary>
    /// Tries the candidates in order, with retries, through the one candidate loop of
    /// <see cref="ChatExecutor.RunCandidatesAsync"/>, until one provider has sent its first token;
    /// returns that stream (holding its slot) or the last error.
    /// </summary>
    private async Task<(ActiveStream? Stream, GatewayError? Error)> StartAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var (stream, _, error) = await chat.RunCandidatesAsync(
            chat.Candidates(request),
            ProviderCallContext.Of(request, streamed: true),
            async (attempt, ct) =>
            {
                var client = registry.GetChatClient(attempt.Route.Provider, attempt.Options, attempt.Route.Model);
                var opened = await ProviderStream.OpenAsync(client, attempt.Route, attempt.Options, request, time, redactor, ct);
                // It opens once the provider has sent its first token.
                attempt.Telemetry.FirstChunk();
                return new ActiveStream(attempt, opened);
            },
            keepSlotOnSuccess: true,
            cancellationToken);
        return (stream, error);
    }
}
