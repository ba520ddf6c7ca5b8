using OrleansGateway.Chat;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>A benchmark-only grain that takes and returns the chat wire types, to time a grain call carrying them.</summary>
[Alias("bench.IEchoGrain")]
public interface IEchoGrain : IGrainWithIntegerKey
{
    [Alias("Echo")]
    Task<ChatOutcome> EchoAsync(ChatRequest request, CancellationToken cancellationToken = default);
}
