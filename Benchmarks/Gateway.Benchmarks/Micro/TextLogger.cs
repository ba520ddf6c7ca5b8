using BenchmarkDotNet.Loggers;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>A BenchmarkDotNet logger that writes plain text to a <see cref="TextWriter"/>.</summary>
public sealed class TextLogger(TextWriter writer) : ILogger
{
    public string Id => nameof(TextLogger);

    public int Priority => 0;

    public void Write(LogKind logKind, string text) => writer.Write(text);

    public void WriteLine() => writer.WriteLine();

    public void WriteLine(LogKind logKind, string text) => writer.WriteLine(text);

    public void Flush() => writer.Flush();
}
