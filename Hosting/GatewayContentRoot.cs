using Microsoft.AspNetCore.Builder;

namespace OrleansGateway.Hosting;

/// <summary>
/// Where a host finds its <c>appsettings.json</c>: its own build output, wherever it is started
/// from (the default, the current directory, loads the wrong file or none when a script starts
/// every host from the repository root). A content root given explicitly (<c>--contentRoot</c>,
/// <c>ASPNETCORE_CONTENTROOT</c>, <c>DOTNET_CONTENTROOT</c>; test hosts pass one) still wins.
/// </summary>
public static class GatewayContentRoot
{
    /// <summary>The builder options for <c>WebApplication.CreateBuilder</c>.</summary>
    public static WebApplicationOptions BuilderOptions(string[] args)
    {
        var configured = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()["contentRoot"];
        return new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = string.IsNullOrEmpty(configured) ? AppContext.BaseDirectory : null,
        };
    }
}
