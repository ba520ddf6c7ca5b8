namespace OrleansGateway.Telemetry;

/// <summary>
/// What the candidate loop tells each attempt's telemetry about the call: its operation (<c>chat</c>,
/// <c>embeddings</c>), the model the client asked for, its priority, whether it streams, and the batch job it serves.
/// </summary>
public readonly record struct ProviderCallContext(
    string Operation, string RequestedModel, RequestPriority Priority, bool Streamed = false, string? BatchJobId = null)
{
    public const string Chat = "chat";

    public const string Embeddings = "embeddings";

    /// <summary>The context of a chat request, streamed or not.</summary>
    public static ProviderCallContext Of(ChatRequest request, bool streamed = false) =>
        new(Chat, request.Model, request.Priority, streamed, request.BatchJobId);
}
