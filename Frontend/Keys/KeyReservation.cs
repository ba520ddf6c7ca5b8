using OrleansGateway.Keys;

namespace OrleansGateway.Frontend.Keys;

/// <summary>A request admitted for a virtual key: the key, the allowance and ticket to settle or release, and the gateway's estimate of its tokens.</summary>
public sealed record KeyReservation(VirtualKeyCaller Key, KeyAllowance Allowance, KeyTicket Ticket, int EstimatedInputTokens, int MaxOutputTokens);
