namespace OrleansGateway.FakeProvider;

/// <summary>What the fake provider answers to one request.</summary>
public sealed record FakeReply
{
    /// <summary>The HTTP status; anything but 200 is sent with an OpenAI error body.</summary>
    public int Status { get; init; } = 200;

    /// <summary>The assistant's text (split into <see cref="Chunks"/> when streaming, unless those are given).</summary>
    public string Content { get; init; } = string.Empty;

    /// <summary>The streamed pieces; default: <see cref="Content"/> split after each space.</summary>
    public IReadOnlyList<string>? Chunks { get; init; }

    /// <summary>Wait before the response starts.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Wait between streamed chunks.</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>Headers added to the response (e.g. <c>Retry-After</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The error message of a non-200 answer.</summary>
    public string ErrorMessage { get; init; } = "fake provider error";

    /// <summary>Whether usage is reported (in the body, or as a final chunk when the client asked for it).</summary>
    public bool IncludeUsage { get; init; } = true;

    /// <summary>The <c>finish_reason</c>.</summary>
    public string FinishReason { get; init; } = "stop";

    /// <summary>When streaming, abort the connection after this many content chunks.</summary>
    public int? AbortAfterChunks { get; init; }

    /// <summary>A raw body sent as is with status 200 (for malformed answers).</summary>
    public string? RawBody { get; init; }

    /// <summary>Function calls to answer with (content null, <c>finish_reason</c> <c>tool_calls</c>); streamed as tool-call deltas.</summary>
    public IReadOnlyList<FakeToolCall>? ToolCalls { get; init; }

    public static FakeReply CallTools(params FakeToolCall[] calls) => new() { ToolCalls = calls, FinishReason = "tool_calls" };

    public static FakeReply Text(string content) => new() { Content = content };

    public static FakeReply Error(int status, string message = "fake provider error") => new() { Status = status, ErrorMessage = message };
}
