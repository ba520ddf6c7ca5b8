namespace OrleansGateway.Frontend.Streaming;

/// <summary>Registers what the streaming endpoints need.</summary>
public static class StreamingServiceCollectionExtensions
{
    /// <summary>Adds <see cref="StreamingOptions"/> (bound from <c>Gateway:Streaming</c>, validated at start). Idempotent.</summary>
    public static IServiceCollection AddGatewayStreaming(this IServiceCollection services)
    {
        services.AddOptions<StreamingOptions>()
            .BindConfiguration(StreamingOptions.SectionName)
            .Validate(o => o.KeepAliveSeconds > 0 && double.IsFinite(o.KeepAliveSeconds), $"{StreamingOptions.SectionName}:KeepAliveSeconds must be a positive number of seconds.")
            .Validate(o => o.StreamGrainPoolSize is >= 1 and <= 65536, $"{StreamingOptions.SectionName}:StreamGrainPoolSize must be between 1 and 65536.")
            .ValidateOnStart();
        return services;
    }
}
