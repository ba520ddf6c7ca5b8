using System.Collections.Immutable;

namespace OrleansGateway.Frontend.Llm.Summarization;

/// <summary>The instructions of the map step (one part of a long text) and of the final summary.</summary>
public static class SummarizationPrompt
{
    /// <summary>Summarize part <paramref name="index"/> of <paramref name="count"/> of a longer text.</summary>
    public static ImmutableArray<ChatMessage> Part(string part, int index, int count, string? instructions) =>
    [
        new ChatMessage("system",
            $"You summarize part {index + 1} of {count} of a longer text. Write a concise summary of this part that keeps its key facts, names and numbers; " +
            "it will be combined with the summaries of the other parts." + Extra(instructions)),
        new ChatMessage("user", part),
    ];

    /// <summary>The final summary: of the whole text, or of the parts' summaries when it was split.</summary>
    public static ImmutableArray<ChatMessage> Final(string text, bool fromPartSummaries, string? instructions) =>
    [
        new ChatMessage("system",
            (fromPartSummaries
                ? "The user's text consists of summaries of consecutive parts of one longer document. Combine them into one concise summary of the whole document."
                : "Summarize the user's text concisely, keeping its key facts.")
            + " Answer with the summary only." + Extra(instructions)),
        new ChatMessage("user", text),
    ];

    private static string Extra(string? instructions) =>
        string.IsNullOrWhiteSpace(instructions) ? string.Empty : "\n\nFollow these instructions: " + instructions.Trim();
}
