using Orleans.Concurrency;
using OrleansGateway.Chat;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>Answers every request with the same outcome, shaped like <c>ChatGrain</c> (stateless, reentrant).</summary>
[StatelessWorker, Reentrant]
public sealed class EchoGrain : Grain, IEchoGrain
{
    private static readonly Task<ChatOutcome> s_outcome = Task.FromResult(ChatOutcome.Success(BenchData.Result));

    public Task<ChatOutcome> EchoAsync(ChatRequest request, CancellationToken cancellationToken = default) => s_outcome;
}
