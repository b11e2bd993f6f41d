using System.Globalization;
using System.Text;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Failover;

/// <summary>
/// <c>--keep-session-on-stop</c>, what the operator's <c>spec.suspend</c> builds on: a master SIGTERMed mid-session
/// (its walk not done, transfers under way) stops its workers, every one exiting 4 (Stopped: a Job replaces the pod), and leaves the session's queue
/// and counts in ZooKeeper without a summary; a new master of the same session, with new workers, resumes it where
/// it stopped and finishes it: the copy exact, every path completed exactly once, totals right.
/// </summary>
public sealed class MasterSuspendTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private const int Depth = GridTree.Depth;
    private const int Directories = 6;
    private const int Subdirectories = 6;
    private static readonly int Entries = GridTree.Entries(Directories, Subdirectories);
    private static readonly int Files = GridTree.Files(Directories, Subdirectories);

    /// <summary>At most this many entries outstanding: the walk is far from done when the master is stopped.</summary>
    private const int Window = 10;

    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task MasterSigtermedWithKeepSessionOnStop_KeepsTheQueue_AndANewMasterFinishesTheSession()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        GridTree.Build(source, Directories, Subdirectories, 2000);
        await using var session = new LocalSession(zooKeeper.Server, output);
        string[] extra =
        [
            "--batch", "1", "--window", Window.ToString(CultureInfo.InvariantCulture), "--progress-interval", "1",
            "--arbitopts", "bwlimit:64", "--keep-session-on-stop",
        ];
        var arguments = session.MasterArguments(source, Depth, extra);

        await session.RunAsync(async () =>
        {
            var master = await session.StartMasterAsync(source, Depth, extra);
            await session.StartDestinationAsync(destination, ["--slots", "2"]);
            session.Start("source-1", arguments);
            session.Start("source-2", arguments);
            await master.WaitForLineAsync("Completed Path", FaultTimeout);

            // The operator suspends the session: every pod gets SIGTERM, the master's first.
            master.Terminate();
            await master.WaitForLineAsync("suspended (--keep-session-on-stop)", FaultTimeout);
            await session.AssertAllExitAsync(ExitCodes.Stopped, FaultTimeout);
            var suspended = session.Processes.ToArray();

            var progress = SessionProgress.FromJson(await ZooKeeperInspector.ReadAsync(
                session.InspectionConnectionString, ZnodeLayout.Progress(session.Name), CancellationToken.None));
            Assert.NotNull(progress);
            Assert.True(progress.Suspended);
            Assert.False(progress.WalkDone, "the walk ended before the master was stopped: nothing to resume");
            Assert.InRange(progress.PathsCompleted, 1, Entries - 1);
            var nodes = (await session.ListZnodesAsync()).Select(n => n.Path).ToList();
            var queued = ZnodeLayout.QueueEntriesPath(ZnodeLayout.PathQueue(session.Name)) + "/";
            Assert.Contains(nodes, n => n.StartsWith(queued, StringComparison.Ordinal));
            Assert.Contains(ZnodeLayout.WalkCursor(session.Name), nodes);
            Assert.DoesNotContain(ZnodeLayout.Summary(session.Name), nodes);
            Assert.Equal(ZnodeLayout.ReadyStart, Encoding.UTF8.GetString(await ZooKeeperInspector.ReadAsync(
                session.InspectionConnectionString, ZnodeLayout.Ready(session.Name), CancellationToken.None)));
            Assert.False(File.Exists(session.SummaryPath), "a suspended session must not leave a summary");
            Assert.False(File.Exists(session.DoneFilePath), "a suspended session must not leave a done-file");

            // Resumed: a new master with the same command line, new workers.
            var resumed = session.Start("master-resumed", arguments);
            await resumed.WaitForLineAsync("resuming the suspended session", FaultTimeout);
            await session.StartDestinationAsync(destination, ["--slots", "2"]);
            session.Start("source-3", arguments);
            session.Start("source-4", arguments);

            await session.AssertAllExitAsync(ExitCodes.Success, SessionTimeout, suspended);
            TreeVerifier.AssertIdentical(source, destination);
            await SessionAssert.OnlySkeletonLeftAsync(session);

            var summary = SessionSummaryDocument.FromJson(await File.ReadAllBytesAsync(session.SummaryPath));
            Assert.NotNull(summary);
            Assert.Equal(Entries, summary.PathsCompleted);
            Assert.Equal(0, summary.PathsFailed);
            Assert.Equal(0, summary.PathsUnfinished);
            Assert.Equal(0, summary.Takeovers);
            Assert.Equal(SessionEndReason.Completed, summary.Reason);

            // A stopped source kills its rsync: when that had already written its file, the path's rerun finds it up to
            // date. So at most one file per stopped source (one path per rsync) is not counted as transferred.
            Assert.InRange(summary.Stats["Number_of_regular_files_transferred"], Files - 2, Files);

            // Every path was completed once, by the first master's count or the resumed one's: none was queued again.
            SessionAssert.EveryPathCompletedOnce(session, Entries);
        });
    }
}
