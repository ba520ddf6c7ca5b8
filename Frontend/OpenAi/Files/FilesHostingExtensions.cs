using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansGateway.Frontend.OpenAi.Files;

/// <summary>Registers the files API's services.</summary>
public static class FilesHostingExtensions
{
    /// <summary>Adds <see cref="FilesOptions"/> (section <c>Gateway:Files</c>, validated at start). Idempotent. The blob store comes with the frontend.</summary>
    public static WebApplicationBuilder AddGatewayFilesApi(this WebApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(IValidateOptions<FilesOptions>)))
        {
            return builder;
        }

        builder.Services.AddOptions<FilesOptions>().BindConfiguration(FilesOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FilesOptions>, FilesOptionsValidator>());
        return builder;
    }
}
