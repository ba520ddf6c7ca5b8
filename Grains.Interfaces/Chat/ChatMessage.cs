namespace OrleansGateway.Chat;

/// <summary>One message of a conversation: a role (system, user, assistant) and its text.</summary>
[GenerateSerializer, Immutable, Alias("gw.ChatMessage")]
public sealed record ChatMessage(
    [property: Id(0)] string Role,
    [property: Id(1)] string Content);
