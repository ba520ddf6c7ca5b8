using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using OrleansGateway.Cluster;
using OrleansGateway.Frontend.Chat;

namespace OrleansGateway.Tests.Chat;

/// <summary>
/// <see cref="DispatchSteps.RetriedAsync"/>: a call lost with its silo is repeated with the same call id; what the
/// cluster still cannot run becomes <see cref="GatewayErrorKind.Unavailable"/> (503 on <c>/v1</c>, try again), never a throw.
/// </summary>
public sealed class DispatchStepsTests
{
    private static Task<GatewayError?> RunAsync(Func<Guid, Task<GatewayError?>> call, CancellationToken cancellationToken = default) =>
        DispatchSteps.RetriedAsync(call, static error => error, NullLogger.Instance, static (_, _) => { }, static (_, _) => { }, cancellationToken);

    [Fact]
    public async Task RetriedAsync_CallFailsWithoutASiloLoss_UnavailableAtOnce()
    {
        var calls = 0;

        var error = await RunAsync(_ =>
        {
            calls++;
            throw new InvalidOperationException("placement went wrong");
        });

        Assert.Equal(GatewayErrorKind.Unavailable, error?.Kind);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task RetriedAsync_EveryCallLostWithItsSilo_RepeatedWithTheSameIdThenUnavailable()
    {
        var ids = new List<Guid>();

        var error = await RunAsync(id =>
        {
            ids.Add(id);
            throw new SiloUnavailableException("gone");
        });

        Assert.Equal(GatewayErrorKind.Unavailable, error?.Kind);
        Assert.Equal(SiloLossPolicy.RequestRepeats + 1, ids.Count);
        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task RetriedAsync_CallerCancelled_CancelledNotUnavailable()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        var error = await RunAsync(_ => throw new OperationCanceledException(cancel.Token), cancel.Token);

        Assert.Equal(GatewayErrorKind.Cancelled, error?.Kind);
    }
}
