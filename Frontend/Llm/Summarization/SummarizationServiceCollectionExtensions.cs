using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansGateway.Frontend.Llm.Summarization;

/// <summary>Registers what <c>/llm/summarization</c> needs.</summary>
public static class SummarizationServiceCollectionExtensions
{
    /// <summary>Adds <see cref="SummarizationOptions"/> (bound from <c>Gateway:Summarization</c>, validated at start) and the <see cref="Summarizer"/>. Idempotent.</summary>
    public static IServiceCollection AddGatewaySummarization(this IServiceCollection services)
    {
        services.AddOptions<SummarizationOptions>()
            .BindConfiguration(SummarizationOptions.SectionName)
            .Validate(o => o.MaxChunkCharacters >= 100, $"{SummarizationOptions.SectionName}:MaxChunkCharacters must be at least 100.")
            .Validate(o => o.MaxParallelCalls >= 1, $"{SummarizationOptions.SectionName}:MaxParallelCalls must be at least 1.")
            .ValidateOnStart();
        services.TryAddSingleton<Summarizer>();
        return services;
    }
}
