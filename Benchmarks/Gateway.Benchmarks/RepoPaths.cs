namespace OrleansGateway.Benchmarks;

/// <summary>Where the repository and its Release builds are.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding <c>OrleansGateway.sln</c>, from the working directory or the binary's location upwards.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The Node.js <c>node:http</c> fake provider (a second, independent upstream).</summary>
    public static string NodeFakeProvider => Path.Combine(Root, "Benchmarks", "tools", "fake-provider-node.mjs");

    public static string FakeProviderDll => Path.Combine(Root, "Tests", "FakeProvider", "bin", "Release", "net10.0", "OrleansGateway.FakeProvider.dll");

    public static string GatewayDll => Path.Combine(Root, "Frontend", "bin", "Release", "net10.0", "OrleansGateway.Frontend.dll");

    public static string ProxyDll => Path.Combine(Root, "Benchmarks", "PassThroughProxy", "bin", "Release", "net10.0", "OrleansGateway.PassThroughProxy.dll");

    public static string ResultsDir => Path.Combine(Root, "Benchmarks", "results");

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OrleansGateway.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("OrleansGateway.sln not found above the working directory or the binary.");
    }
}
