namespace OrleansGateway.Chat;

/// <summary>A finished completion: the model that answered (<c>provider/model</c>), its text and usage.</summary>
[GenerateSerializer, Immutable, Alias("gw.ChatResult")]
public sealed record ChatResult(
    [property: Id(0)] string Id,
    [property: Id(1)] string Model,
    [property: Id(2)] string Content,
    [property: Id(3)] string FinishReason,
    [property: Id(4)] TokenUsage Usage,
    [property: Id(5)] long CreatedUnixSeconds)
{
    /// <summary>The provider's completion body as it came (UTF-8 JSON), kept for requests with <see cref="ChatRequest.PassThrough"/>; null otherwise.</summary>
    [Id(6)] public byte[]? ProviderBody { get; init; }
}
