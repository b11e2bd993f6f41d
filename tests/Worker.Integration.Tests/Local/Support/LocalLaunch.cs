using Xunit.Abstractions;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Local.Support;

/// <summary>
/// One <c>zkrsync local</c> run of the built executable with its own, not yet existing <c>--tmpdir</c>
/// inside a scratch directory: that path is unique, so every process of the run can be found by it
/// (<see cref="RunProcesses"/>) and what the run leaves in it can be listed. Disposing kills whatever of
/// the run still lives, so a failing test does not leak processes into the next one.
/// </summary>
public sealed class LocalLaunch : IAsyncDisposable
{
    /// <summary>How long a small run (private ZooKeeper start included) may take on a loaded machine.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    /// <summary>How long a refused run (nothing started) may take.</summary>
    public static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the processes of an ended run may take to disappear (a SIGKILLed one is reaped asynchronously).</summary>
    private static readonly TimeSpan GoneTimeout = TimeSpan.FromSeconds(5);

    private LocalLaunch(ZkRsyncProcess process, string tmpDirectory)
    {
        Process = process;
        TmpDirectory = tmpDirectory;
    }

    public ZkRsyncProcess Process { get; }

    /// <summary>The run's <c>--tmpdir</c>, unique to it.</summary>
    public string TmpDirectory { get; }

    /// <summary>Starts <c>zkrsync local ARGUMENTS --tmpdir SCRATCH/run-tmp</c>.</summary>
    public static LocalLaunch Start(string scratch, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var tmpDirectory = Path.Combine(scratch, "run-tmp");
        string[] all = ["local", .. arguments, "--tmpdir", tmpDirectory];
        var process = environment is null ? ZkRsyncProcess.Start("local", all) : ZkRsyncProcess.Start("local", all, environment);
        return new LocalLaunch(process, tmpDirectory);
    }

    public Task<int> WaitForExitAsync(TimeSpan? timeout = null) => Process.WaitForExitAsync(timeout ?? RunTimeout);

    /// <summary>The live processes of this run (the launcher included while it runs).</summary>
    public IReadOnlyList<(int ProcessId, string CommandLine)> Processes() => RunProcesses.Mentioning(TmpDirectory);

    /// <summary>After the launcher exited: no process of the run (JVM, worker, rsync) is left, and nothing in <c>--tmpdir</c>.</summary>
    public async Task AssertNothingLeftAsync()
    {
        Assert.True(Process.HasExited, "the launcher still runs");
        try
        {
            await Eventually.WaitUntilAsync(() => Processes().Count == 0, GoneTimeout, "every process of the run gone");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"processes of the run left after zkrsync local exited:\n  {string.Join("\n  ", Processes().Select(p => $"{p.ProcessId}: {p.CommandLine}"))}");
        }

        Assert.True(Directory.Exists(TmpDirectory), $"--tmpdir {TmpDirectory} was never created");
        Assert.Empty(Directory.EnumerateFileSystemEntries(TmpDirectory));
    }

    /// <summary>After a refused run: nothing was started and not even <c>--tmpdir</c> was created.</summary>
    public void AssertNothingStarted()
    {
        Assert.True(Process.HasExited, "the launcher still runs");
        Assert.Empty(Processes());
        Assert.False(Directory.Exists(TmpDirectory), $"--tmpdir {TmpDirectory} was created by a refused run");
    }

    /// <summary>Runs <paramref name="body"/>; when it fails, writes the launcher's arguments, exit code and output to the test output.</summary>
    public async Task RunAsync(ITestOutputHelper output, Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            await body();
        }
        catch
        {
            var state = Process.HasExited ? $"exit {Process.ExitCode}" : "still running";
            output.WriteLine($"===== zkrsync {string.Join(' ', Process.Arguments)} [{state}]");
            output.WriteLine(Process.Output);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        RunProcesses.KillAll(TmpDirectory);
    }
}
