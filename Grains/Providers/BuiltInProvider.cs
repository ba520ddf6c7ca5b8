namespace OrleansGateway.Providers;

/// <summary>A provider the gateway knows without configuration.</summary>
public sealed record BuiltInProvider(
    string Name,
    string BaseUrl,
    IReadOnlyList<string> Models,
    bool SupportsJsonSchema,
    string MaxTokensField,
    bool RequiresApiKey);
