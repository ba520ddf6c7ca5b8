

namespace OrleansGateway.Frontend.OpenAi.Batch;

/// <summary>One task's result: <c>pending</c>, <c>completed</c> with its output and usage, <c>failed</c> with its error, or <c>cancelled</c> (never run).</summary>
public sealed record BatchResultItem(
    string Id,
    int Index,
    string Status,
    string? Output,
    OpenAiUsage? Usage,
    string? Error);
