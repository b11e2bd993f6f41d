using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ZkSync.Worker.Local;

/// <summary>
/// A process <c>zkrsync local</c> starts (ZooKeeper, a worker): in a session of its own (so a Ctrl-C at
/// the terminal reaches only the launcher, which then stops everything in order), output appended to a
/// log file, stoppable with SIGTERM and killable.
/// </summary>
internal sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _pump;
    private readonly int _processId;

    private ChildProcess(string name, Process process, string logFile, Task pump)
    {
        Name = name;
        _process = process;
        _processId = process.Id;
        LogFile = logFile;
        _pump = pump;
        Exited = process.WaitForExitAsync(CancellationToken.None);
    }

    public string Name { get; }

    public int Id => _processId;

    public string LogFile { get; }

    public Task Exited { get; }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    /// <summary>Set to 1 for a zkrsync child that makes its own session (<see cref="EnterOwnSessionIfAsked"/>).</summary>
    public const string OwnSessionVariable = "ZKSYNC_OWN_SESSION";

    /// <summary>
    /// Starts <paramref name="program"/> with <paramref name="arguments"/> (an argument list, no shell) under <c>setsid</c>,
    /// or with <paramref name="ownSession"/> (zkrsync itself) told to call <c>setsid()</c> first thing: one process
    /// start less per worker, when 17 of them start at once on 2 cores.
    /// </summary>
    public static ChildProcess Start(
        string name, string program, IEnumerable<string> arguments, string logFile, IReadOnlyDictionary<string, string>? environment = null, bool ownSession = false)
    {
        var start = new ProcessStartInfo(ownSession ? program : "setsid")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (ownSession)
        {
            start.Environment[OwnSessionVariable] = "1";
        }
        else
        {
            start.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        process.StandardInput.Close();
        var log = new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var pump = Task.WhenAll(
            process.StandardOutput.BaseStream.CopyToAsync(log),
            process.StandardError.BaseStream.CopyToAsync(log))
            .ContinueWith(_ => log.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return new ChildProcess(name, process, logFile, pump);
    }

    /// <summary>Asks the process to stop (SIGTERM); the workers then leave their session cleanly.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_processId, Sigterm);
        }
    }

    /// <summary>
    /// SIGKILL to the process group the child leads (<c>setsid</c>, or the child itself, made it a session and group of its own,
    /// and what it started, rsync for one, stays in that group even after the child itself died, say by
    /// SIGKILL or the OOM killer, when walking the tree from the child no longer finds it), then to its tree
    /// while it runs.
    /// </summary>
    public void KillNow()
    {
        _ = Kill(-_processId, Sigkill);
        if (_process.HasExited)
        {
            // Its children were handed to init when it exited: no tree is left to walk from it, and the walk reads every
            // process's /proc entries (at the end of every run, once per worker: a tenth of a second on a busy host).
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>The last lines of the log, for error reports.</summary>
    public string Tail(int lines)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    public async ValueTask DisposeAsync()
    {
        KillNow();
        await Exited.ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>In a zkrsync started with <c>ownSession</c>: becomes the leader of a session and process group of its own
    /// (as <c>setsid</c> would have made it), and drops the variable so nothing it starts sees it.</summary>
    public static void EnterOwnSessionIfAsked()
    {
        if (Environment.GetEnvironmentVariable(OwnSessionVariable) != "1")
        {
            return;
        }

        Environment.SetEnvironmentVariable(OwnSessionVariable, null);
        if (SetSid() < 0)
        {
            throw new InvalidOperationException($"setsid failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private const int Sigterm = 15;
    private const int Sigkill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    private static partial int SetSid();
}
