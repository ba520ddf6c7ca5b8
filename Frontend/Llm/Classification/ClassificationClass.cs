namespace OrleansGateway.Frontend.Llm.Classification;

/// <summary>One class a text may be put in: the caller's <c>id</c> and <c>label</c>, returned as the answer's <c>content</c>.</summary>
public sealed record ClassificationClass(string Id, string Label);
