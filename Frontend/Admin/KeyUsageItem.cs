namespace OrleansGateway.Frontend.Admin;

/// <summary>A key's usage of one model on one day (UTC, <c>yyyy-MM-dd</c>); <c>priced</c> false when the model has no configured price.</summary>
public sealed record KeyUsageItem(string Date, string Model, long Requests, long InputTokens, long OutputTokens, decimal Spend, bool Priced);
