using System.Diagnostics;
using System.Globalization;

namespace ZkSync.Benchmarks.Operator;

/// <summary>The operator in its own process (the published executable, as it ships; or a zksync-operator.dll run by
/// <c>dotnet</c>), its output kept in a file, its resident memory read from /proc.</summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _drain;

    private OperatorProcess(Process process, Task drain)
    {
        _process = process;
        _drain = drain;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static OperatorProcess Start(string operatorPath, IEnumerable<string> args, string logPath)
    {
        var isDll = operatorPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(isDll ? "dotnet" : operatorPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (isDll)
        {
            start.ArgumentList.Add(operatorPath);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the operator");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var drain = Task.WhenAll(CopyAsync(process.StandardOutput, log), CopyAsync(process.StandardError, log))
            .ContinueWith(_ => log.Dispose(), TaskScheduler.Default);
        return new OperatorProcess(process, drain);
    }

    /// <summary>VmRSS from /proc/&lt;pid&gt;/status, in bytes (0 once it has exited).</summary>
    public long ResidentBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The CPU time it has used (user and system).</summary>
    public TimeSpan ProcessorTime()
    {
        _process.Refresh();
        return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        await _drain.ConfigureAwait(false);
        _process.Dispose();
    }

    private static async Task CopyAsync(StreamReader from, StreamWriter to)
    {
        while (await from.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (to)
            {
                to.WriteLine(line);
            }
        }
    }
}
