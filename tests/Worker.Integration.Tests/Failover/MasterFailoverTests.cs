using System.Globalization;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Failover;

/// <summary>
/// The master is killed (SIGKILL, as when its pod is evicted) in the middle of a session, and started again with
/// the same command line (as a Job restarts its pod). Once the dead master's ZooKeeper session has expired (a
/// short <c>--zk-session-timeout</c> keeps that to seconds) one source, a running one or the restarted process,
/// takes the session over: the queue stays, the walk continues after the last entry the dead master queued, and
/// the counts go on. The session completes with every process that was not killed exiting 0, the copy exact,
/// every path completed exactly once (none queued again) and the summary's totals right.
/// </summary>
public sealed class MasterFailoverTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private const int Depth = GridTree.Depth;
    private const int Directories = 6;
    private const int Subdirectories = 6;
    private static readonly int Entries = GridTree.Entries(Directories, Subdirectories);
    private static readonly int Files = GridTree.Files(Directories, Subdirectories);

    /// <summary>At most this many entries outstanding: the walk stops far before its end until the queue drains.</summary>
    private const int Window = 10;

    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public Task MasterKilledDuringTheWalkWithTheWindowFull_ASourceOrItsRestartTakesOver_AndTheSessionCompletes() =>
        RunFailoverAsync(async (session, master) =>
        {
            // No source yet: the master fills the window and waits, its walk far from done.
            await master.WaitForLineAsync(line => line.Contains($"paths done, {Window} left", StringComparison.Ordinal) &&
                line.Contains("of >=", StringComparison.Ordinal), "a full window, walk not done", FaultTimeout);
        });

    [Fact]
    public Task MasterKilledDuringTheTransfers_ASourceOrItsRestartTakesOver_AndTheSessionCompletes() =>
        RunFailoverAsync(async (session, master) =>
        {
            // The walk is done (the window has room for all) and sources are transferring.
            await master.WaitForLineAsync("pathqueue building finished", FaultTimeout);
        }, window: 10_000);

    private async Task RunFailoverAsync(Func<LocalSession, ZkRsyncProcess, Task> beforeSources, int window = Window)
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        GridTree.Build(source, Directories, Subdirectories, 2000);
        await using var session = new LocalSession(zooKeeper.Server, output);
        string[] extra =
        [
            "--batch", "1", "--window", window.ToString(CultureInfo.InvariantCulture), "--progress-interval", "1",
            "--zk-session-timeout", "5", "--arbitopts", "bwlimit:64",
        ];
        var arguments = session.MasterArguments(source, Depth, extra);

        await session.RunAsync(async () =>
        {
            var master = await session.StartMasterAsync(source, Depth, extra);
            await session.StartDestinationAsync(destination, ["--slots", "2"]);
            await beforeSources(session, master);
            var sources = Enumerable.Range(1, 2).Select(i => session.Start($"source-{i}", arguments)).ToList();
            await master.WaitForLineAsync("Completed Path", FaultTimeout);

            master.KillTree();
            Assert.Equal(128 + 9, await master.WaitForExitAsync(FaultTimeout));

            // As a Job restarts its pod: the same command line, at once (the dead master's lock node is still there).
            var restarted = session.Start("master-restarted", arguments);
            var (newMaster, takeoverLine) = await WaitForNewMasterAsync([restarted, .. sources]);
            output.WriteLine($"{newMaster} took over: {takeoverLine}");

            await session.AssertAllExitAsync(ExitCodes.Success, SessionTimeout, master);
            TreeVerifier.AssertIdentical(source, destination);
            await SessionAssert.OnlySkeletonLeftAsync(session);

            var summary = SessionSummaryDocument.FromJson(await File.ReadAllBytesAsync(session.SummaryPath));
            Assert.NotNull(summary);
            Assert.Equal(Entries, summary.PathsCompleted);
            Assert.Equal(0, summary.PathsFailed);
            Assert.Equal(0, summary.PathsUnfinished);
            Assert.Equal(1, summary.Takeovers);
            Assert.Equal(SessionEndReason.Completed, summary.Reason);

            // A source that takes over kills its rsync: when that had already written its file, the path's rerun finds it
            // up to date. So at most one file (one path per rsync) is not counted as transferred.
            Assert.InRange(summary.Stats["Number_of_regular_files_transferred"], Files - 1, Files);

            // Every path was completed once, by the old master's count or the new one's: none was queued again.
            SessionAssert.EveryPathCompletedOnceAcrossAKill(session, master, CompletedAtTakeover(takeoverLine), Entries);
        });
    }

    /// <summary>The process that takes the session over, and its line with the dead master's counts.</summary>
    private static async Task<(ZkRsyncProcess Process, string Line)> WaitForNewMasterAsync(IReadOnlyList<ZkRsyncProcess> candidates)
    {
        var waits = candidates.ToDictionary(p => p.WaitForLineAsync("taking over from", FaultTimeout), p => p);
        while (waits.Count > 0)
        {
            var first = await Task.WhenAny(waits.Keys);
            if (first.IsCompletedSuccessfully)
            {
                return (waits[first], await first);
            }

            waits.Remove(first);
        }

        throw new TimeoutException($"nobody took the session over within {FaultTimeout}");
    }

    /// <summary>The "N completed" of the takeover line: what the dead master's counts held.</summary>
    private static long CompletedAtTakeover(string takeoverLine)
    {
        var match = System.Text.RegularExpressions.Regex.Match(takeoverLine, @"(\d+) completed");
        Assert.True(match.Success, $"no completed count in: {takeoverLine}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
