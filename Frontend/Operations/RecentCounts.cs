namespace OrleansGateway.Frontend.Operations;

/// <summary>Provider calls that succeeded or failed within the last <see cref="WindowSeconds"/>.</summary>
public sealed record RecentCounts(int Successes, int Errors, int WindowSeconds);
