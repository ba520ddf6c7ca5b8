using System.Globalization;

namespace OrleansGateway.Benchmarks;

/// <summary><c>--name value</c> options of a benchmark command.</summary>
public sealed class CommandLine(string[] args)
{
    public IReadOnlyList<string> Args => args;

    public string Get(string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    public int Get(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public bool Has(string name) => args.Contains(name);
}
