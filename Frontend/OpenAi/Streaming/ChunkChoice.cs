namespace OrleansGateway.Frontend.OpenAi.Streaming;

/// <summary>One choice of a <c>chat.completion.chunk</c>; <c>finish_reason</c> is null until the last one.</summary>
public sealed record ChunkChoice(int Index, ChunkDelta Delta, string? FinishReason);
