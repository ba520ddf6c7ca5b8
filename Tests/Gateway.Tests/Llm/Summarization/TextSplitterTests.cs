using OrleansGateway.Frontend.Llm.Summarization;

namespace OrleansGateway.Tests.Llm.Summarization;

public sealed class TextSplitterTests
{
    [Fact]
    public void Split_ParagraphsOverLimit_CutsBetweenParagraphs()
    {
        var text = "First paragraph here.\n\nSecond paragraph here.\n\nThird one.";

        var parts = TextSplitter.Split(text, 30);

        Assert.Equal(["First paragraph here.\n\n", "Second paragraph here.\n\n", "Third one."], parts);
    }

    [Fact]
    public void Split_NoSeparators_CutsAtTheLimit()
    {
        var text = new string('x', 25);

        var parts = TextSplitter.Split(text, 10);

        Assert.Equal([new string('x', 10), new string('x', 10), new string('x', 5)], parts);
    }

    [Fact]
    public void Split_TextWithinLimit_ReturnsItWhole()
    {
        Assert.Equal(["short"], TextSplitter.Split("short", 10));
    }
}
