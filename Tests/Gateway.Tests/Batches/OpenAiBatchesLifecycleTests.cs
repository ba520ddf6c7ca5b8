#pragma warning disable OPENAI001 // The Batch API client is marked experimental by the OpenAI package.

namespace OrleansGateway.Tests.Batches;

/// <summary>
/// Cancel and expiry of <c>/v1/batches</c> with a slow provider (one at a time): finished lines stay in the output
/// file, the others go to the error file (<c>batch_cancelled</c>, <c>batch_expired</c>), each line exactly once.
/// </summary>
public sealed class OpenAiBatchesLifecycleTests : IAsyncLifetime
{
    private const int Lines = 8;
    private OpenAiBatchesFixture _gateway = null!;

    public async Task InitializeAsync() => _gateway = await OpenAiBatchesFixture.StartAsync(
        new Dictionary<string, string?>
        {
            ["Gateway:Providers:fake:MaxConcurrency"] = "1",
            ["Gateway:Batch:MaxInFlightPerJob"] = "1",
            ["Gateway:Batch:OpenAiCompletionWindow"] = "00:00:03",
        },
        request => FakeReply.Text("echo: " + request.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(600) });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Cancel_MidBatch_FinishedLinesKeptOthersCancelledEachOnce()
    {
        var fileId = await _gateway.UploadAsync(Enumerable.Range(0, Lines).Select(i => OpenAiBatchesFixture.ChatLine($"c{i}", $"cancel {i}")));
        var (operation, _) = await _gateway.CreateAsync(fileId);
        await OpenAiBatchesFixture.WaitAsync(operation, b => b.GetProperty("request_counts").GetProperty("completed").GetInt32() >= 1, "one finished line");

        await operation.CancelAsync(new System.ClientModel.Primitives.RequestOptions());
        var batch = await OpenAiBatchesFixture.WaitForStatusAsync(operation, "cancelled");

        Assert.True(batch.GetProperty("cancelling_at").ValueKind == JsonValueKind.Number && batch.GetProperty("cancelled_at").ValueKind == JsonValueKind.Number, $"{batch}");
        var completed = batch.GetProperty("request_counts").GetProperty("completed").GetInt32();
        Assert.InRange(completed, 1, Lines - 1);
        var output = await _gateway.DownloadLinesAsync(batch.GetProperty("output_file_id").GetString()!);
        var errors = await _gateway.DownloadLinesAsync(batch.GetProperty("error_file_id").GetString()!);
        Assert.Equal(completed, output.Count);
        Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"c{i}"), output.Concat(errors).Select(l => l.GetProperty("custom_id").GetString()).Order(StringComparer.Ordinal));
        Assert.All(errors, line =>
        {
            Assert.Equal(JsonValueKind.Null, line.GetProperty("response").ValueKind);
            Assert.Equal("batch_cancelled", line.GetProperty("error").GetProperty("code").GetString());
        });
        Assert.True(_gateway.Provider.TotalCount < Lines, $"a cancelled batch runs no more lines (the provider got {_gateway.Provider.TotalCount})");
    }

    [Fact]
    public async Task Window_ClosesBeforeTheEnd_ExpiredWithFinishedLinesKept()
    {
        var fileId = await _gateway.UploadAsync(Enumerable.Range(0, Lines).Select(i => OpenAiBatchesFixture.ChatLine($"x{i}", $"expire {i}")));
        var (operation, created) = await _gateway.CreateAsync(fileId);
        Assert.InRange(created.GetProperty("expires_at").GetInt64() - created.GetProperty("created_at").GetInt64(), 2, 4);

        var batch = await OpenAiBatchesFixture.WaitForStatusAsync(operation, "expired");

        Assert.True(batch.GetProperty("expired_at").ValueKind == JsonValueKind.Number, $"{batch}");
        var completed = batch.GetProperty("request_counts").GetProperty("completed").GetInt32();
        Assert.InRange(completed, 1, Lines - 1);
        var output = await _gateway.DownloadLinesAsync(batch.GetProperty("output_file_id").GetString()!);
        var errors = await _gateway.DownloadLinesAsync(batch.GetProperty("error_file_id").GetString()!);
        Assert.Equal(completed, output.Count);
        Assert.Equal(Lines - completed, errors.Count);
        Assert.All(errors, line => Assert.Equal("batch_expired", line.GetProperty("error").GetProperty("code").GetString()));
        Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"x{i}"), output.Concat(errors).Select(l => l.GetProperty("custom_id").GetString()).Order(StringComparer.Ordinal));
    }
}
