using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Sessions;

/// <summary>
/// A source whose ZooKeeper session expires under it. There is no reliable way to expire another
/// process's session from outside (stopping the server does not do it: the server restores sessions), so
/// the source and its rsync are frozen with SIGSTOP, as a stalled node would be, until ZooKeeper has
/// removed its ephemeral nodes, then resumed with SIGCONT. It must notice, kill its rsync (fencing: its
/// path now belongs to someone else) and exit 1; its path must be finished by another source and nothing
/// may be lost.
/// </summary>
public sealed class SourceSessionExpiryTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SourceSessionExpiredWhileFrozen_ItStopsItsRsyncAndExits1AndAnotherSourceFinishesThePath()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        SlowTree.Build(source, bigFileBytes: 8 << 20);
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            await session.StartMasterAsync(source, SlowTree.Depth);
            await session.StartDestinationAsync(destination, ["--slots", "2"]);
            var victim = session.StartSource(source, SlowTree.Depth, SlowTree.SlowSourceArguments(256));
            await victim.WaitForLineAsync(SlowTree.SendingSlowPath(source), "sending the slow path", FaultTimeout);
            await Eventually.WaitUntilAsync(() => SlowTree.TransferInProgress(destination), FaultTimeout, "rsync writing the big file");

            var frozen = victim.StopTree();
            var rsyncs = victim.DescendantsNamed("rsync");
            Assert.NotEmpty(rsyncs);
            await session.WaitUntilSessionGoneAsync(victim, FaultTimeout);

            ZkRsyncProcess.Continue(frozen);
            Assert.Equal(ExitCodes.Crash, await victim.WaitForExitAsync(FaultTimeout));
            Assert.Contains("Lost the ZooKeeper session", victim.Output, StringComparison.Ordinal);
            Assert.All(rsyncs, pid => Assert.False(ZkRsyncProcess.IsAlive(pid), $"the expired source left its rsync {pid} running"));

            // The rescuer starts only once the fenced transfer's receiver has cleaned up: a stale writer that
            // is still running when another source finishes the path can touch the directory after it (its
            // temp file's removal changes the directory's mtime), which rsync cannot prevent.
            await Eventually.WaitUntilAsync(() => !SlowTree.TransferInProgress(destination), FaultTimeout, "the killed transfer's temp file removed");
            var rescuer = session.StartSource(source, SlowTree.Depth);
            await rescuer.WaitForLineAsync(SlowTree.SendingSlowPath(source), "sending the slow path", FaultTimeout);

            await session.AssertAllExitAsync(ExitCodes.Success, timeout: LocalSession.DefaultTimeout, except: victim);
            Assert.Contains($"Completed Path {source}/{SlowTree.SlowDirectory}", session.Master!.Output, StringComparison.Ordinal);
            Assert.Contains("0 failed, 0 unfinished", session.Master.Output, StringComparison.Ordinal);
            TreeVerifier.AssertIdentical(source, destination);
            await SessionAssert.OnlySkeletonLeftAsync(session);
        });
    }
}
