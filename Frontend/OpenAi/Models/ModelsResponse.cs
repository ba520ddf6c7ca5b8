namespace OrleansGateway.Frontend.OpenAi.Models;

/// <summary>
/// The body of <c>GET /v1/models</c>: OpenAI's list shape (<c>object</c>, <c>data</c>) and the
/// gateway document's <c>models</c> array (the ids), in one object.
/// </summary>
public sealed record ModelsResponse(string Object, IReadOnlyList<ModelEntry> Data, IReadOnlyList<string> Models);
