namespace OrleansGateway.Frontend.OpenAi.Models;

/// <summary>One model in OpenAI's list shape; the id is <c>provider/model</c>.</summary>
public sealed record ModelEntry(string Id, string Object, long Created, string OwnedBy);
