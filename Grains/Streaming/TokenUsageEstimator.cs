using Microsoft.ML.Tokenizers;

namespace OrleansGateway.Streaming;

/// <summary>
/// Estimates token counts with the o200k_base tokenizer (GPT-4o's) for providers that report no
/// usage, so callers get counts close to the real ones rather than zeros.
/// </summary>
public sealed class TokenUsageEstimator
{
    // OpenAI's accounting: each message costs its tokens plus about 3 for its framing, and the reply is primed with 3.
    private const int TokensPerMessage = 3;
    private const int ReplyPriming = 3;

    private readonly Lazy<Tokenizer> _tokenizer = new(() => TiktokenTokenizer.CreateForModel("gpt-4o"));

    /// <summary>The number of tokens of <paramref name="text"/>.</summary>
    public int Count(string text) => string.IsNullOrEmpty(text) ? 0 : _tokenizer.Value.CountTokens(text);

    /// <summary>
    /// The estimated usage of a completion of <paramref name="request"/>: its messages (with tool
    /// calls and tool results, which the surface puts in their text), the tool and function
    /// definitions it forwards, and the text produced. Image parts are not fetched or counted.
    /// </summary>
    public TokenUsage Estimate(ChatRequest request, string completion)
    {
        var usage = Estimate(request.Messages, completion);
        if (request.PassThrough is not { } passThrough)
        {
            return usage;
        }

        var tools = 0;
        foreach (var field in passThrough.Fields)
        {
            if (field.Name is "tools" or "functions")
            {
                tools += Count(field.Json);
            }
        }

        return new TokenUsage(usage.PromptTokens + tools, usage.CompletionTokens, usage.TotalTokens + tools);
    }

    /// <summary>The estimated usage of a completion: its prompt messages and the text it produced.</summary>
    public TokenUsage Estimate(IEnumerable<ChatMessage> messages, string completion)
    {
        var prompt = ReplyPriming;
        foreach (var message in messages)
        {
            prompt += TokensPerMessage + Count(message.Role) + Count(message.Content);
        }

        var completionTokens = Count(completion);
        return new TokenUsage(prompt, completionTokens, prompt + completionTokens);
    }
}
