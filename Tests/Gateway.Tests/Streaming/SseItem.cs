namespace OrleansGateway.Tests.Streaming;

/// <summary>One Server-Sent Event (its data) or comment line, with when the client read it.</summary>
public sealed record SseItem(string? Data, string? Comment, TimeSpan ReceivedAt)
{
    public bool IsComment => Comment is not null;

    /// <summary>The data parsed as JSON.</summary>
    public JsonElement Json()
    {
        Assert.True(Data is not null, "Expected a data event, got a comment.");
        try
        {
            return JsonDocument.Parse(Data!).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"Expected JSON event data, got: {Data}");
        }
    }
}
