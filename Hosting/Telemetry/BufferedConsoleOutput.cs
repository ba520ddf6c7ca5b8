using System.Text;

namespace OrleansGateway.Hosting.Telemetry;

/// <summary>
/// Standard output through a 64 KiB buffer flushed every <see cref="FlushPeriod"/>, unless <see cref="Variable"/> is
/// <c>0</c>. .NET's console writer flushes after every write, and the console logger writes each log line by itself, so
/// every line (one per finished request, <see cref="RequestLineWriter"/>) cost a <c>write</c> system call; buffered,
/// a burst of lines costs one. Lines reach the output at most <see cref="FlushPeriod"/> later; they are flushed when
/// the process exits or dies of an unhandled exception, and only a <c>kill -9</c> loses the last period's lines.
/// Standard error is left as it is.
/// </summary>
public static class BufferedConsoleOutput
{
    /// <summary>The environment variable that turns the buffer off when <c>0</c>.</summary>
    public const string Variable = "GATEWAY_CONSOLE_BUFFER";

    /// <summary>How long a written line may wait in the buffer.</summary>
    public static readonly TimeSpan FlushPeriod = TimeSpan.FromMilliseconds(100);

    private static readonly Lock Gate = new();
    private static TextWriter? s_output;
    private static Timer? s_flusher;

    /// <summary>Whether standard output is buffered in this process.</summary>
    public static bool IsEnabled => s_output is not null;

    /// <summary>Buffers standard output unless turned off; call first thing in <c>Main</c>, before logging starts. Idempotent.</summary>
    public static void EnableUnlessConfigured()
    {
        if (Environment.GetEnvironmentVariable(Variable) == "0")
        {
            return;
        }

        lock (Gate)
        {
            if (s_output is not null)
            {
                return;
            }

            var output = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = false });
            Console.SetOut(output);
            AppDomain.CurrentDomain.ProcessExit += static (_, _) => Flush();
            AppDomain.CurrentDomain.UnhandledException += static (_, _) => Flush();
            s_output = output;
            s_flusher = new Timer(static _ => Flush(), null, FlushPeriod, FlushPeriod);
        }
    }

    /// <summary>Writes what the buffer holds.</summary>
    public static void Flush()
    {
        try
        {
            s_output?.Flush();
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // Standard output is closed (the reader went away): there is nowhere to write to.
        }
    }
}
