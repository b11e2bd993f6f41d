using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.Coordination;
using ZkSync.Worker.IntegrationTests.Local.Support;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Local;

/// <summary>
/// What <c>zkrsync local</c> leaves behind when a run does not simply succeed: a failed path, a worker
/// that dies, a SIGTERM to the launcher mid-transfer. Each time its private ZooKeeper (a JVM), its
/// workers and their rsync processes must all be gone once it has exited, and its <c>--tmpdir</c> empty;
/// the processes are found by that unique directory in their command lines, whoever their parent is.
/// With <c>--servers</c>, no private ZooKeeper is started at all. The slow runs send one big file with
/// rsync's <c>--bwlimit</c> (<see cref="SlowTree"/>), so the test acts while data is flowing.
/// </summary>
public sealed class LocalLifecycleTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    /// <summary>2 MiB at 256 KiB/s: about 8 s of transfer, far more than the test needs to act.</summary>
    private const int BigFileBytes = 2 * 1024 * 1024;

    private static readonly TimeSpan TransferTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] SlowArguments = ["--depth", "1", "--sources", "1", "--destinations", "1", "--arbitopts", "bwlimit:256"];

    /// <summary>
    /// The path fails as in the session tests: the destination already has a non-empty directory where the
    /// source has a file, which rsync (without --delete/--force) cannot replace, on every attempt.
    /// </summary>
    [Fact]
    public async Task Local_WithAFailedPath_Exits3NamesThePathAndLeavesNothingBehind()
    {
        using var scratch = new ScratchDirectory("zkrsync-local-");
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        new TreeBuilder(source).File("top.txt", 10).File("a/f1", 11).File("bad/x", 12).File("bad/fine.txt", 13).Seal();
        new TreeBuilder(destination).File("bad/x/in-the-way.txt", 14);
        var summaryFile = Path.Combine(scratch.Path, "summary.json");
        await using var launch = LocalLaunch.Start(scratch.Path, [source, destination, "--depth", "1", "--sources", "2", "--destinations", "1", "--json-summary", summaryFile]);

        await launch.RunAsync(output, async () =>
        {
            Assert.Equal(ExitCodes.PathsFailed, await launch.WaitForExitAsync());

            var stdout = launch.Process.StandardOutputLines;
            Assert.Contains(stdout, line => line.StartsWith("Done: ", StringComparison.Ordinal) && line.Contains(" completed, 1 failed, 0 unfinished;", StringComparison.Ordinal));
            Assert.Contains(stdout, line => line.StartsWith($"failed: {Path.Combine(source, "bad")}: rsync exited with code 23", StringComparison.Ordinal));
            var summary = SessionSummaryDocument.FromJson(await File.ReadAllBytesAsync(summaryFile));
            Assert.NotNull(summary);
            Assert.Equal(ExitCodes.PathsFailed, summary.ExitCode);
            Assert.Equal(SessionEndReason.PathsFailed, summary.Reason);
            var failed = Assert.Single(summary.FailedPaths);
            Assert.Equal(Path.Combine(source, "bad"), failed.Path);
            Assert.StartsWith("rsync exited with code 23: ", failed.Error, StringComparison.Ordinal);
            Assert.Contains("1 paths failed", summary.Message, StringComparison.Ordinal);
            await launch.AssertNothingLeftAsync();
        });
    }

    /// <summary>
    /// A destination worker is killed (SIGKILL, the worker alone: its rsync daemon is orphaned, as after an
    /// OOM kill) while the big file is being received. The launcher says which worker died and starts it
    /// again with the same command line, as a Job restarts its pod; the session completes, the copy is
    /// exact, the summary line says so, and the orphans are cleaned up too.
    /// </summary>
    [Fact]
    public async Task Local_WhenADestinationWorkerIsKilledMidTransfer_RestartsItAndTheSessionCompletes()
    {
        using var scratch = new ScratchDirectory("zkrsync-local-");
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        SlowTree.Build(source, BigFileBytes);
        await using var launch = LocalLaunch.Start(scratch.Path, [source, destination, .. SlowArguments]);

        await launch.RunAsync(output, async () =>
        {
            await Eventually.WaitUntilAsync(() => SlowTree.TransferInProgress(destination), TransferTimeout, "the big file being received");
            var worker = Assert.Single(launch.Processes(), p => p.CommandLine.Contains(" --destination ", StringComparison.Ordinal));
            Assert.True(PosixFs.Signal(worker.ProcessId, 9), $"cannot kill destination worker {worker.ProcessId}");

            Assert.Equal(ExitCodes.Success, await launch.WaitForExitAsync());

            Assert.Contains(launch.Process.StandardErrorLines, line => line.Contains("destination 1 exited with code 137; restarting it", StringComparison.Ordinal));
            var done = Assert.Single(launch.Process.StandardOutputLines, line => line.StartsWith("Done: ", StringComparison.Ordinal));
            Assert.Contains(", 0 failed, 0 unfinished;", done, StringComparison.Ordinal);
            Assert.EndsWith("; destination 1 restarted 1x", done, StringComparison.Ordinal);
            TreeVerifier.AssertIdentical(source, destination);
            await launch.AssertNothingLeftAsync();
        });
    }

    /// <summary>
    /// SIGTERM to the launcher while the big file is being sent: it asks every worker to stop, the master
    /// ends the session reporting the slow path unfinished, and the launcher exits 3 (unfinished) with an
    /// "Interrupted" summary line.
    /// </summary>
    [Fact]
    public async Task Local_OnSigtermMidTransfer_Exits3SaysInterruptedAndLeavesNothingBehind()
    {
        using var scratch = new ScratchDirectory("zkrsync-local-");
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        SlowTree.Build(source, BigFileBytes);
        await using var launch = LocalLaunch.Start(scratch.Path, [source, destination, .. SlowArguments]);

        await launch.RunAsync(output, async () =>
        {
            await Eventually.WaitUntilAsync(() => SlowTree.TransferInProgress(destination), TransferTimeout, "the big file being received");
            Assert.Contains(launch.Processes(), p => p.CommandLine.Contains("org.apache.zookeeper.server.ZooKeeperServerMain", StringComparison.Ordinal));

            // Every worker leads a session and process group of its own (a Ctrl-C at the terminal reaches only the launcher,
            // which kills a worker's whole group), made by the worker itself; the variable that told it so is not passed on.
            var processes = launch.Processes();
            var workers = processes.Where(p => p.CommandLine.Split(' ').Any(a => a is "--source" or "--destination")).ToList();
            Assert.NotEmpty(workers);
            foreach (var (pid, commandLine) in workers)
            {
                var fields = ProcessTree.AfterCommand(File.ReadAllText($"/proc/{pid}/stat")).Split(' ');
                Assert.True(fields[2] == pid.ToString(CultureInfo.InvariantCulture) && fields[3] == fields[2], $"{commandLine}: group {fields[2]}, session {fields[3]}");
            }

            var daemons = processes.Where(p => p.CommandLine.StartsWith("rsync --daemon", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(daemons);
            Assert.All(daemons, d => Assert.DoesNotContain("ZKSYNC_OWN_SESSION=", File.ReadAllText($"/proc/{d.ProcessId}/environ"), StringComparison.Ordinal));

            launch.Process.Terminate();

            Assert.Equal(ExitCodes.PathsFailed, await launch.WaitForExitAsync());

            Assert.Contains(launch.Process.StandardErrorLines, line => line.StartsWith("zkrsync local: stopping", StringComparison.Ordinal));
            var summaryLine = Assert.Single(launch.Process.StandardOutputLines, line => line.StartsWith("Interrupted: ", StringComparison.Ordinal));
            // The slow path at least is unfinished (the others may share its rsync run, by how the source batched them);
            // every path of the tree is counted once.
            var counts = Regex.Match(summaryLine, @"^Interrupted: (\d+) paths completed, 0 failed, (\d+) unfinished;");
            Assert.True(counts.Success, summaryLine);
            Assert.InRange(int.Parse(counts.Groups[2].Value, CultureInfo.InvariantCulture), 1, 5);
            Assert.Equal(5, int.Parse(counts.Groups[1].Value, CultureInfo.InvariantCulture) + int.Parse(counts.Groups[2].Value, CultureInfo.InvariantCulture));

            // While stopping, the launcher only waits: it printed no more than a few progress lines (it once spun, printing thousands).
            Assert.True(launch.Process.StandardOutputLines.Count < 20, $"{launch.Process.StandardOutputLines.Count} lines of output");
            await launch.AssertNothingLeftAsync();
        });
    }

    /// <summary>With <c>--servers</c>, the session runs on that ZooKeeper: no JVM among the run's processes while it
    /// transfers, every worker pointed at the given server, no "Private ZooKeeper" line.</summary>
    [Fact]
    public async Task Local_WithServers_UsesThatZooKeeperAndStartsNoPrivateOne()
    {
        using var scratch = new ScratchDirectory("zkrsync-local-");
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        SlowTree.Build(source, BigFileBytes / 2);
        await using var launch = LocalLaunch.Start(scratch.Path, [source, destination, .. SlowArguments, "--servers", zooKeeper.Server.ConnectionString]);

        await launch.RunAsync(output, async () =>
        {
            await Eventually.WaitUntilAsync(() => SlowTree.TransferInProgress(destination), TransferTimeout, "the big file being received");
            var processes = launch.Processes();
            Assert.DoesNotContain(processes, p => p.CommandLine.Contains("java", StringComparison.Ordinal) || p.CommandLine.Contains("zookeeper", StringComparison.OrdinalIgnoreCase));
            var workers = processes.Where(p => p.CommandLine.Contains(" --session ", StringComparison.Ordinal)).ToList();
            Assert.Equal(3, workers.Count); // the master, one source, one destination
            Assert.All(workers, w => Assert.Contains($"--servers {zooKeeper.Server.ConnectionString} ", w.CommandLine, StringComparison.Ordinal));

            Assert.Equal(ExitCodes.Success, await launch.WaitForExitAsync());
            TreeVerifier.AssertIdentical(source, destination);
            Assert.DoesNotContain("Private ZooKeeper", launch.Process.Output, StringComparison.Ordinal);
            await launch.AssertNothingLeftAsync();
        });
    }
}
