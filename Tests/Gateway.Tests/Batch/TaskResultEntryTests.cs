using OrleansGateway.Errors;

namespace OrleansGateway.Tests.Batch;

/// <summary>What clients see of a stored result: its usage only when it completed, every kept field.</summary>
public sealed class TaskResultEntryTests
{
    [Fact]
    public void ToResult_Completed_CarriesItsUsageAndFields()
    {
        var entry = new TaskResultEntry
        {
            Status = BatchTaskStatus.Completed, Output = "hi", PromptTokens = 1, CompletionTokens = 2, TotalTokens = 3,
            EmbeddingBody = [1, 2], AnsweredModel = "openai/emb",
        };

        var result = entry.ToResult(7, "line-7");

        Assert.Equal((7, "line-7", BatchTaskStatus.Completed, "hi", new TokenUsage(1, 2, 3), (string?)null),
            (result.Index, result.Id, result.Status, result.Output, result.Usage, result.Error));
        Assert.Equal([1, 2], result.EmbeddingBody!);
        Assert.Equal("openai/emb", result.AnsweredModel);
    }

    [Fact]
    public void ToResult_Failed_NoUsage_KeepsTheError()
    {
        var failure = new GatewayError(GatewayErrorKind.Upstream, "bad gateway");
        var entry = new TaskResultEntry { Status = BatchTaskStatus.Failed, Error = "bad gateway", PromptTokens = 4, Failure = failure };

        var result = entry.ToResult(0, "a");

        Assert.Null(result.Usage);
        Assert.Equal("bad gateway", result.Error);
        Assert.Same(failure, result.Failure);
    }
}
