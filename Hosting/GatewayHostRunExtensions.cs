namespace OrleansGateway.Hosting;

/// <summary>Runs a gateway host (silo or frontend) to its end and turns a start-up failure into an exit code.</summary>
public static class GatewayHostRunExtensions
{
    /// <summary>Exit code when Redis or Azure Table storage did not answer at start.</summary>
    public const int DependencyUnavailableExitCode = 2;

    /// <summary>Runs until SIGTERM (draining); returns 0, or <see cref="DependencyUnavailableExitCode"/> naming the dependency on stderr.</summary>
    public static async Task<int> RunGatewayHostAsync(this IHost host, string hostName)
    {
        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (ClusterDependencyUnavailableException exception)
        {
            // Already logged by the check; repeated on stderr for whoever started the process.
            await Console.Error.WriteLineAsync($"{hostName}: {exception.Message}");
            return DependencyUnavailableExitCode;
        }
    }
}
