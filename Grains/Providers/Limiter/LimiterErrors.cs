namespace OrleansGateway.Providers;

/// <summary>The reasons a provider's grain gives for not granting a slot, each naming the provider.</summary>
internal static class LimiterErrors
{
    public static GatewayError QueueFull(string provider, int limit, int maxQueue) =>
        new(GatewayErrorKind.QueueFull, $"Provider '{provider}' is at its concurrency limit ({limit}) and its queue is full ({maxQueue} waiting).")
        { Provider = provider, RetryAfterSeconds = 1 };

    public static GatewayError QueueTimeout(string provider, TimeSpan wait, int limit) =>
        new(GatewayErrorKind.QueueFull, $"Provider '{provider}' had no free slot within {wait.TotalSeconds:0.#} s (limit {limit}).")
        { Provider = provider, RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds / 10)) };

    public static GatewayError CircuitOpen(string provider, int consecutiveFailures, TimeSpan retryAfter) =>
        new(GatewayErrorKind.CircuitOpen,
            $"Provider '{provider}' is failing; its circuit is open after {consecutiveFailures} consecutive failures. Try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.")
        { Provider = provider, RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) };

    public static GatewayError Moving(string provider) =>
        new(GatewayErrorKind.QueueFull, $"Provider '{provider}' is moving to another silo and had no free slot; try again.")
        { Provider = provider, RetryAfterSeconds = 1 };

    public static GatewayError CallerWentAway(string provider) =>
        new(GatewayErrorKind.Cancelled, "The caller went away while waiting for a slot.") { Provider = provider };
}
