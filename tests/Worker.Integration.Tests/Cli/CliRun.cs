using System.Diagnostics;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Cli;

/// <summary>One run of the zkrsync executable to its end, for tests of what it says when refusing to start.</summary>
internal static class CliRun
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Exit 2, exactly <paramref name="expected"/> as the one line saying "error", no stack trace.</summary>
    public static void AssertOneLine(int exit, IReadOnlyList<string> stderr, string expected)
    {
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal(expected, Assert.Single(stderr, l => l.Contains("error", StringComparison.OrdinalIgnoreCase)));
        AssertNoStackTrace(stderr);
    }

    public static void AssertNoStackTrace(IReadOnlyList<string> stderr)
    {
        Assert.DoesNotContain(stderr, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain(stderr, l => l.Contains("Exception", StringComparison.Ordinal));
    }

    /// <summary>Runs the zkrsync executable (through <c>setpriv</c> with <paramref name="setpriv"/> when given) without a
    /// log file (a worker) and without the runner's ZKRSYNC_* variables; returns the exit code and stderr's lines.</summary>
    /// <param name="executable">Another copy of the executable to run (one the setpriv user can reach).</param>
    public static async Task<(int Exit, IReadOnlyList<string> StandardError)> RunAsync(
        ITestOutputHelper output, string[] arguments, string[]? setpriv = null, string? executable = null)
    {
        executable ??= ZkRsyncProcess.ExecutablePath;
        var startInfo = new ProcessStartInfo(setpriv is null ? executable : "setpriv")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] wrapper = setpriv is null ? [] : [.. setpriv, executable];
        string[] noLogFile = arguments[0] is "local" or "initree" ? [] : ["--logfile="];
        foreach (var argument in wrapper.Concat(arguments).Concat(noLogFile))
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("ZKRSYNC_", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start zkrsync");
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"zkrsync {string.Join(' ', arguments)} still ran after {Timeout.TotalSeconds} s");
        }

        output.WriteLine($"$ zkrsync {string.Join(' ', arguments)}\n{await stdout}{await stderr}exit {process.ExitCode}");
        return (process.ExitCode, (await stderr).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
    }
}
