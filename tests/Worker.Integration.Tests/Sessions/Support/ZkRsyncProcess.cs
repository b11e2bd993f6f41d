using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZkSync.Testing;
using ZkSync.Worker.Coordination;

namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>
/// One running <c>zkrsync</c> (the built executable, started with an argument list): its output line by
/// line, waits for a line to appear, its exit as a task, and the signals a fault test sends (SIGKILL of
/// the whole process tree as a crashed pod, SIGTERM, SIGSTOP/SIGCONT). Environment variables
/// <c>ZKRSYNC_*</c> of the test runner are not passed on, so only the arguments configure it.
/// </summary>
public sealed class ZkRsyncProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputLines _lines = new();
    private readonly OutputLines _standardOutput = new();
    private readonly OutputLines _standardError = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _stdout;
    private readonly Task _stderr;

    private ZkRsyncProcess(string label, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        Label = label;
        Arguments = arguments;
        var (fileName, prefix) = Executable();
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in prefix.Concat(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("ZKRSYNC_", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.Start();
        _process.StandardInput.Close();
        StartedAt = DateTimeOffset.Now;
        ProcessId = _process.Id;
        _stdout = OutputLines.PumpAsync(_process.StandardOutput, _lines, _standardOutput);
        _stderr = OutputLines.PumpAsync(_process.StandardError, _lines, _standardError);
        _ = FollowExitAsync();
    }

    /// <summary>A name for logs: "master", "source-2", "dest-1"...</summary>
    public string Label { get; }

    public IReadOnlyList<string> Arguments { get; }

    public int ProcessId { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes with the exit code once the process has exited and its output is read to the end.
    /// Killed by a signal: 128 + the signal number, as a shell reports it.</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>The exit code; throws while the process runs.</summary>
    public int ExitCode => HasExited ? _exited.Task.Result : throw new InvalidOperationException($"{Label} is still running");

    /// <summary>stdout and stderr, interleaved line by line as they arrived.</summary>
    public string Output => _lines.Text;

    /// <summary>stdout alone.</summary>
    public IReadOnlyList<string> StandardOutputLines => _standardOutput.Lines;

    /// <summary>stderr alone.</summary>
    public IReadOnlyList<string> StandardErrorLines => _standardError.Lines;

    /// <summary>Path of the executable the harness runs: <c>ZKRSYNC_EXECUTABLE</c> when set (test.sh: the NativeAOT build), else the apphost next to the test assembly, else <c>dotnet zkrsync.dll</c>.</summary>
    public static string ExecutablePath => Executable().FileName;

    /// <summary>Starts <c>zkrsync</c> with exactly <paramref name="arguments"/>.</summary>
    public static ZkRsyncProcess Start(string label, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return new ZkRsyncProcess(label, [.. arguments], null);
    }

    /// <summary>Starts <c>zkrsync</c> with exactly <paramref name="arguments"/> and these environment variables set (PATH, for example).</summary>
    public static ZkRsyncProcess Start(string label, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        return new ZkRsyncProcess(label, [.. arguments], environment);
    }

    /// <summary>The first output line (already seen or still to come) containing <paramref name="text"/>.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>, or the process exited without it.</exception>
    public Task<string> WaitForLineAsync(string text, TimeSpan timeout) =>
        WaitForLineAsync(line => line.Contains(text, StringComparison.Ordinal), text, timeout);

    /// <summary>The first output line matching <paramref name="match"/>; <paramref name="description"/> names it in the timeout message.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, string description, TimeSpan timeout) =>
        _lines.WaitForAsync(match, description, Label, Exited, timeout);

    /// <summary>The exit code, or <see cref="TimeoutException"/> after <paramref name="timeout"/> (the process keeps running).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            return await Exited.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Label} (pid {ProcessId}) did not exit within {timeout}");
        }
    }

    /// <summary>SIGKILL to the process and everything it started (its rsync, its daemon's children), as when a pod dies.</summary>
    public void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>SIGTERM to the process only: a graceful stop request.</summary>
    public void Terminate() => PosixFs.Signal(ProcessId, PosixFs.SigTerm);

    /// <summary>SIGSTOP to the process and its descendants (a frozen pod), returning the pids stopped.</summary>
    public IReadOnlyList<int> StopTree() => SignalTree(PosixFs.SigStop);

    /// <summary>SIGCONT to the given pids (what <see cref="StopTree"/> returned).</summary>
    public static void Continue(IEnumerable<int> processIds)
    {
        ArgumentNullException.ThrowIfNull(processIds);
        foreach (var pid in processIds)
        {
            PosixFs.Signal(pid, PosixFs.SigCont);
        }
    }

    /// <summary>Descendant pids (children, grandchildren...) of this process, from /proc.</summary>
    public IReadOnlyList<int> Descendants() => DescendantsOf(ProcessId);

    /// <summary>Descendants of <paramref name="processId"/> whose command name (/proc/pid/comm) is <paramref name="name"/>.</summary>
    public IReadOnlyList<int> DescendantsNamed(string name) =>
        [.. Descendants().Where(pid => CommandName(pid) == name)];

    /// <summary>True while a process with this pid exists and is not a zombie.</summary>
    public static bool IsAlive(int processId)
    {
        try
        {
            var state = ProcessTree.AfterCommand(File.ReadAllText($"/proc/{processId}/stat")).Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            KillTree();
        }

        try
        {
            await Exited.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing more to do; the process is reported by the test that owns it.
        }

        _process.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Label} (pid {ProcessId})");

    private static (string FileName, string[] Prefix) Executable()
    {
        // test.sh sets it to the NativeAOT build that ./zkrsync makes: what ships is what is tested.
        if (Environment.GetEnvironmentVariable("ZKRSYNC_EXECUTABLE") is { Length: > 0 } shipped)
        {
            return File.Exists(shipped)
                ? (shipped, [])
                : throw new FileNotFoundException($"ZKRSYNC_EXECUTABLE names {shipped}, which does not exist: run ./zkrsync -H to build it");
        }

        var directory = AppContext.BaseDirectory;
        var apphost = Path.Combine(directory, "zkrsync");
        if (File.Exists(apphost))
        {
            return (apphost, []);
        }

        var dll = Path.Combine(directory, "zkrsync.dll");
        if (File.Exists(dll))
        {
            return ("dotnet", [dll]);
        }

        throw new FileNotFoundException($"zkrsync was not found next to the test assembly in {directory}: build tests/Worker.Tests (it references src/Worker)");
    }

    private IReadOnlyList<int> SignalTree(int signal)
    {
        var pids = new List<int> { ProcessId };
        PosixFs.Signal(ProcessId, signal);

        // Stop the parent first so it cannot start new children, then everything below it.
        foreach (var pid in Descendants())
        {
            PosixFs.Signal(pid, signal);
            pids.Add(pid);
        }

        return pids;
    }

    private static List<int> DescendantsOf(int root) => Coordination.ProcessTree.Descendants(root);

    private static string? CommandName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task FollowExitAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await Task.WhenAll(_stdout, _stderr).ConfigureAwait(false);
        _exited.TrySetResult(_process.ExitCode);
    }
}
