using System.Reflection;
using System.Text;

namespace OrleansGateway.Hosting.Operations;

/// <summary>The operations page's HTML, CSS and JavaScript, embedded in this assembly and read once.</summary>
internal static class OperationsPageAssets
{
    public static readonly string Html = Read("operations.html");

    public static readonly byte[] Css = Encoding.UTF8.GetBytes(Read("operations.css"));

    public static readonly byte[] Script = Encoding.UTF8.GetBytes(Read("operations.js"));

    /// <summary>The page with its asset paths under <paramref name="prefix"/> and the dashboard link, if any.</summary>
    public static byte[] Page(string prefix, string? dashboardPath) => Encoding.UTF8.GetBytes(Html
        .Replace("%PREFIX%", prefix, StringComparison.Ordinal)
        .Replace("%DASHBOARD%", dashboardPath ?? string.Empty, StringComparison.Ordinal));

    private static string Read(string name)
    {
        using var stream = typeof(OperationsPageAssets).Assembly.GetManifestResourceStream("OrleansGateway.Operations." + name)
            ?? throw new InvalidOperationException($"The embedded resource OrleansGateway.Operations.{name} is missing from {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
