namespace OrleansGateway.FakeProvider;

/// <summary>A function call the fake provider answers with: the tool's name and its JSON arguments.</summary>
public sealed record FakeToolCall(string Name, string Arguments);
