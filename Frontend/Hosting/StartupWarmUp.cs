using System.Diagnostics;
using Microsoft.Extensions.Options;
using OrleansGateway.Frontend.Chat;
using OrleansGateway.Frontend.OpenAi.Chat;
using OrleansGateway.Hosting;
using OrleansGateway.Providers;
using OrleansGateway.Secrets;

namespace OrleansGateway.Frontend.Hosting;

/// <summary>
/// Before the frontend starts listening (its <see cref="IHostedService.StartAsync"/> runs after Orleans' and before
/// Kestrel's), warms what a first request needs, so that the first burst after a deploy is not slower than the
/// next: each configured provider's grain that can be called is activated (<see cref="IProviderGrain.GetStatusAsync"/>), and the
/// provider call (<see cref="ProviderCallWarmUp"/>, against an in-memory answer, never the provider) and the
/// <c>/v1/chat/completions</c> request parser and answer writer run once. At most <see cref="Budget"/>; a failure
/// is logged and the host starts anyway. Off with <c>Gateway:Hosting:WarmUpAtStart=false</c>.
/// </summary>
public sealed partial class StartupWarmUp(
    IGrainFactory grains,
    ModelResolver models,
    SecretRedactor redactor,
    TimeProvider time,
    IOptions<GatewayHostingOptions> hosting,
    ILogger<StartupWarmUp> logger) : IHostedService
{
    /// <summary>The longest the warm-up may hold up the start.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    private static readonly byte[] s_sampleRequest = """
        {"model":"gateway-warm-up/warm-up","messages":[{"role":"system","content":"Warm-up."},{"role":"user","content":[{"type":"text","text":"Say ready."}]}],
         "max_tokens":8,"temperature":0,"stream":false,"user":"warm-up","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}
        """u8.ToArray();

    /// <summary>What the last warm-up did: the provider grains it activated and whether the call path answered.</summary>
    public WarmUpReport? Last { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!hosting.Value.WarmUpAtStart)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        var activation = ActivateProviderGrainsAsync(budget.Token);
        var call = CallPathAsync(budget.Token);
        var parse = Task.Run(ParseAndWrite, budget.Token);
        try
        {
            await Task.WhenAll(activation, call, parse).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogWarmUpFailed(logger, exception);
        }

        Last = new WarmUpReport(
            activation.IsCompletedSuccessfully ? activation.Result : 0,
            call.IsCompletedSuccessfully && call.Result,
            Stopwatch.GetElapsedTime(started));
        LogWarmedUp(logger, Last.ProviderGrains, Last.CallPathAnswered, Last.Elapsed.TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<int> ActivateProviderGrainsAsync(CancellationToken cancellationToken)
    {
        // Not those that cannot be called (a key is needed and none is set): their requests fail before any grain call.
        var names = models.Providers.Where(p => p.Value.RequiresApiKey == false || !string.IsNullOrEmpty(p.Value.ApiKey)).Select(p => p.Key).ToList();
        await Task.WhenAll(names.Select(name => grains.GetGrain<IProviderGrain>(name).GetStatusAsync().WaitAsync(cancellationToken))).ConfigureAwait(false);
        return names.Count;
    }

    private async Task<bool> CallPathAsync(CancellationToken cancellationToken)
    {
        var result = await ProviderCallWarmUp.RunAsync(redactor, time, cancellationToken).ConfigureAwait(false);
        return result.Content == "ready";
    }

    private void ParseAndWrite()
    {
        // The model is not configured, so the mapper answers with its validation error: the reader and the mapper ran.
        _ = ChatCompletionMapper.FromJson(s_sampleRequest, models);
        var result = new ChatResult("chatcmpl-warm-up", "gateway-warm-up/warm-up", "ready", "stop", new TokenUsage(5, 1, 6), 1767225600);
        using var sink = new MemoryStream();
        System.Text.Json.JsonSerializer.Serialize(sink, ChatCompletionsApi.ToResponse(result), Http.GatewayJsonContext.Default.ChatCompletionResponse);
    }

    [LoggerMessage(EventId = 2700, Level = LogLevel.Information, Message = "Warmed up in {ElapsedMs:F0} ms: {ProviderGrains} provider grains active, call path answered: {CallPathAnswered}")]
    private static partial void LogWarmedUp(ILogger logger, int providerGrains, bool callPathAnswered, double elapsedMs);

    [LoggerMessage(EventId = 2701, Level = LogLevel.Warning, Message = "The start-up warm-up did not finish; the gateway starts anyway")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);
}
