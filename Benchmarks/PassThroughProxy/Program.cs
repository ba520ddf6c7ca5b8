using Yarp.ReverseProxy.Configuration;

namespace OrleansGateway.PassThroughProxy;

/// <summary>
/// The floor for a .NET gateway: a YARP reverse proxy that forwards every path to one destination,
/// unchanged. <c>dotnet OrleansGateway.PassThroughProxy.dll --urls http://127.0.0.1:9200 --destination http://127.0.0.1:9100</c>.
/// Like the gateway (<c>Frontend/appsettings.json</c>) it turns off the <c>Microsoft.AspNetCore.Hosting.Diagnostics</c>
/// log category, so neither creates an <c>Activity</c> per request for log scopes nobody reads (YARP's own
/// benchmarks do the same); <c>--hosting-activity true</c> keeps ASP.NET Core's default.
/// </summary>
internal static class PassThroughProxyProgram
{
    public static void Main(string[] args)
    {
        var destination = Arg(args, "--destination", "http://127.0.0.1:9100");
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (Arg(args, "--hosting-activity", "false") != "true")
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        }

        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "provider", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig
            {
                ClusterId = "provider",
                Destinations = new Dictionary<string, DestinationConfig> { ["provider"] = new() { Address = destination } },
            }]);
        var app = builder.Build();
        app.MapReverseProxy();
        app.Run();
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}
