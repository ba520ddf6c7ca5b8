using OrleansGateway.Errors;

namespace OrleansGateway.Keys;

/// <summary>
/// What <see cref="BatchKeyGate"/> answered for one batch task: admitted (<see cref="Ticket"/> under
/// <see cref="Allowance"/>, to settle or release), to wait (<see cref="Wait"/>: the key's rate, parallel limit or
/// budget is used up for now; the task stays pending and runs again after it), or failed for good (<see cref="Error"/>:
/// the key was revoked or expired, or may no longer use the model).
/// </summary>
public sealed record BatchKeyAdmission(KeyAllowance? Allowance, KeyTicket? Ticket, TimeSpan? Wait, GatewayError? Error)
{
    /// <summary>Whether the task may run now.</summary>
    public bool Admitted => Ticket is not null;
}
