namespace OrleansGateway.Frontend.Llm.Summarization;

/// <summary>Splits a text into consecutive parts of at most a given length, preferring to cut between paragraphs, then lines, sentences and words.</summary>
public static class TextSplitter
{
    private static readonly string[] s_separators = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " "];

    /// <summary>The parts, in order; concatenated they give back the text.</summary>
    public static IReadOnlyList<string> Split(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var parts = new List<string>();
        var start = 0;
        while (text.Length - start > maxLength)
        {
            var cut = FindCut(text, start, maxLength);
            parts.Add(text[start..cut]);
            start = cut;
        }

        if (start < text.Length)
        {
            parts.Add(text[start..]);
        }

        return parts;
    }

    private static int FindCut(string text, int start, int maxLength)
    {
        var window = text.AsSpan(start, maxLength);
        foreach (var separator in s_separators)
        {
            var at = window.LastIndexOf(separator.AsSpan(), StringComparison.Ordinal);
            // A cut in the first half would make tiny parts; look for a coarser boundary elsewhere.
            if (at >= maxLength / 2)
            {
                return start + at + separator.Length;
            }
        }

        return start + maxLength;
    }
}
