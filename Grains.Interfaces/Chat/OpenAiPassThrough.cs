namespace OrleansGateway.Chat;

/// <summary>
/// What an OpenAI <c>/v1/chat/completions</c> request carries beyond what the gateway reads: the
/// <c>messages</c> array as the client sent it (tool calls, content parts, names) and every top-level
/// field the gateway does not own. When a <see cref="ChatRequest"/> has one, the provider body is
/// written from it and the provider's answer is kept whole (<see cref="ChatResult.ProviderBody"/>,
/// <c>ChatStreamEvent.RawChunk</c>) so the surface can pass it on.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.OpenAiPassThrough")]
public sealed record OpenAiPassThrough(
    [property: Id(0)] string MessagesJson,
    [property: Id(1)] ImmutableArray<PassThroughField> Fields);
