using System.Diagnostics;

namespace OrleansGateway.Tests.Infrastructure;

/// <summary>Runs Debian's chromium headless against a loopback page and returns what it printed (e.g. <c>--dump-dom</c>).</summary>
public static class HeadlessChromium
{
    /// <summary>
    /// Loads <paramref name="url"/> with the profile folder <paramref name="profile"/>, letting the page's timers run for
    /// <paramref name="virtualTimeBudgetMs"/> of virtual time, with <paramref name="mode"/> (<c>--dump-dom</c>,
    /// <c>--screenshot=...</c>); fails the test if chromium does not finish within 90 s or exits non-zero.
    /// </summary>
    public static async Task<string> RunAsync(string chromium, string profile, string url, int virtualTimeBudgetMs, params string[] mode)
    {
        var info = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", $"--user-data-dir={profile}", $"--virtual-time-budget={virtualTimeBudgetMs}",
        }.Concat(mode).Append(url))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"chromium did not finish within 90 s: {await stderr}");
        }

        Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
