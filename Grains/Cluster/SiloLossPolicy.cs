using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace OrleansGateway.Cluster;

/// <summary>
/// The one answer to "was this grain call lost with its silo?", for every caller that retries:
/// <list type="bullet">
/// <item>the frontend's Orleans client (<c>SiloConnectionLossCallFilter</c>) and the executors' lease
/// calls (<see cref="SiloLossRetry"/>) repeat <see cref="SiloLossKind.Rejected"/> calls until
/// <see cref="Deadline"/> (<see cref="CanResend"/>);</item>
/// <item>the frontend's dispatchers try a whole request once more after any silo loss, an unanswered
/// call included (<see cref="IsLostWithSilo"/>).</item>
/// </list>
/// Orleans derives <see cref="SiloUnavailableException"/> from <see cref="OrleansMessageRejectionException"/>
/// and raises it both for a message it refuses because its silo is known to be dead and for a call in
/// flight when its silo died; either way it counts as <see cref="SiloLossKind.Rejected"/>.
/// </summary>
public static class SiloLossPolicy
{
    /// <summary>How long a rejected call is repeated after its first failure: 30 s, longer than the cluster takes to declare a silo dead.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a frontend repeats a whole request whose grain call was lost with a silo: more than once, since
    /// a repeat sent while a silo stops can itself be lost with it (the client filter finds that out and fails it).
    /// </summary>
    public const int RequestRepeats = 3;

    /// <summary>What <paramref name="exception"/> says about the call's silo.</summary>
    public static SiloLossKind Classify(Exception exception) => exception switch
    {
        OrleansMessageRejectionException or ConnectionFailedException => SiloLossKind.Rejected,
        TimeoutException or ClientNotAvailableException => SiloLossKind.Unanswered,
        _ => SiloLossKind.None,
    };

    /// <summary>Whether the call may be sent again (until <see cref="Deadline"/>): Orleans refused or could not deliver it.</summary>
    public static bool CanResend(Exception exception) => Classify(exception) == SiloLossKind.Rejected;

    /// <summary>Whether the call was lost with its silo in any way, so a frontend request is worth one more try.</summary>
    public static bool IsLostWithSilo(Exception exception) => Classify(exception) != SiloLossKind.None;

    /// <summary>
    /// <see cref="IsLostWithSilo(Exception)"/>, or a call cancelled although its caller did not cancel it
    /// (<paramref name="callerCancellation"/>): while the cluster recovers from a silo's death, Orleans can give up
    /// addressing a call (a directory lookup or placement cancelled on the silo that received it), and the caller
    /// gets an <see cref="OperationCanceledException"/> for a call that never ran. Worth one more try for a call
    /// that is safe to repeat (the frontend's chat, embedding and stream calls are: they join or resume by id).
    /// </summary>
    public static bool IsLostWithSilo(Exception exception, CancellationToken callerCancellation) =>
        IsLostWithSilo(exception) || (exception is OperationCanceledException && !callerCancellation.IsCancellationRequested);

    /// <summary>The pause before repeat number <paramref name="attempt"/> + 1: 100 ms, doubling, at most 1 s.</summary>
    public static TimeSpan Pause(int attempt) => TimeSpan.FromMilliseconds(Math.Min(1000, 100 * Math.Pow(2, Math.Min(attempt, 4))));
}
