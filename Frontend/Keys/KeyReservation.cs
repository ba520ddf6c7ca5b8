using OrleansGateway.Keys;

namespace OrleansGateway.Frontend.Keys;

/// <summary>A request admitted by its key's grain: the reservation to settle or release, and the gateway's estimate of its tokens.</summary>
public sealed record KeyReservation(IKeyGrain Grain, long Id, int EstimatedInputTokens, int MaxOutputTokens);
