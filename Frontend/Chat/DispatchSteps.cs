using OrleansGateway.Cluster;
using OrleansGateway.Hosting.Telemetry;

namespace OrleansGateway.Frontend.Chat;

/// <summary>
/// The steps <see cref="ChatDispatcher"/> and <see cref="EmbeddingDispatcher"/> take alike around one call for one
/// answer (<c>TOutcome</c>): the repeat of a call lost with its silo, a virtual key's admission and settlement around
/// the run, and the request line's report of what answered.
/// </summary>
public static class DispatchSteps
{
    /// <summary>
    /// Runs <paramref name="call"/> with a new call id; when the call was lost with its silo it runs once more with the
    /// same id (the caller keeps its grain, so the repeat joins a run still going there). The client's cancellation and
    /// any other failure of the call itself become a <paramref name="failure"/> outcome: never throws.
    /// </summary>
    public static async Task<TOutcome> RetriedAsync<TOutcome>(
        Func<Guid, Task<TOutcome>> call,
        Func<GatewayError, TOutcome> failure,
        ILogger logger,
        Action<ILogger, string> logRetry,
        Action<ILogger, Exception> logFailed,
        CancellationToken cancellationToken)
    {
        var callId = Guid.NewGuid();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call(callId);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return failure(new GatewayError(GatewayErrorKind.Cancelled, "The client closed the request."));
            }
            catch (Exception exception) when (attempt < SiloLossPolicy.RequestRepeats && SiloLossPolicy.IsLostWithSilo(exception, cancellationToken))
            {
                logRetry(logger, exception.GetType().Name);
            }
            catch (Exception exception)
            {
                logFailed(logger, exception);
                return failure(new GatewayError(GatewayErrorKind.Unavailable, "The gateway's cluster could not run the request; try again."));
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> once the key's <paramref name="admission"/> let it (else the refusal, as a
    /// <paramref name="failure"/> outcome), then settles the key's reservation with what <paramref name="settled"/>
    /// reads from the outcome, or releases it when that is nothing (a failure, or the run threw).
    /// </summary>
    public static async Task<TOutcome> AdmittedAsync<TOutcome>(
        KeyGate keys,
        ValueTask<(KeyReservation? Reservation, GatewayError? Error)> admission,
        Func<Task<TOutcome>> run,
        Func<GatewayError, TOutcome> failure,
        Func<TOutcome, (string Model, TokenUsage Usage)?> settled)
        where TOutcome : class
    {
        var (reservation, refused) = await admission;
        if (reservation is null)
        {
            return failure(refused!);
        }

        TOutcome? outcome = null;
        try
        {
            outcome = await run();
            return outcome;
        }
        finally
        {
            if (outcome is not null && settled(outcome) is { } answer)
            {
                await keys.SettleAsync(reservation, answer.Model, answer.Usage);
            }
            else
            {
                await keys.ReleaseAsync(reservation);
            }
        }
    }

    /// <summary>
    /// Tells the request line the <paramref name="requestedModel"/>, then, when the run answered, what
    /// <paramref name="answered"/> reads from its outcome: the model that answered and its usage (null: not read).
    /// </summary>
    public static async Task<TOutcome> ReportedAsync<TOutcome>(
        GatewayRequestTelemetry telemetry,
        string requestedModel,
        Task<TOutcome> run,
        Func<TOutcome, (string Model, TokenUsage? Usage)?> answered)
    {
        telemetry.Requested(requestedModel);
        var outcome = await run;
        if (answered(outcome) is { } answer)
        {
            telemetry.Answered(answer.Model, answer.Usage);
        }

        return outcome;
    }
}
