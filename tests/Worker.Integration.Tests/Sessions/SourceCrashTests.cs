using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Sessions;

/// <summary>A source killed with SIGKILL (with its rsync, as a dying pod) in the middle of a path.</summary>
public sealed class SourceCrashTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SourceKilledMidPath_ItsPathReturnsAtSessionExpiryAndAnotherSourceFinishesIt()
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

            // Alone, the victim takes every path in turn; at 256 KiB/s the big file would take 32 s.
            var victim = session.StartSource(source, SlowTree.Depth, SlowTree.SlowSourceArguments(256));
            await victim.WaitForLineAsync(SlowTree.SendingSlowPath(source), "sending the slow path", FaultTimeout);
            await Eventually.WaitUntilAsync(() => SlowTree.TransferInProgress(destination), FaultTimeout, "rsync writing the big file");
            victim.KillTree();
            Assert.Equal(128 + 9, await victim.WaitForExitAsync(FaultTimeout));

            var rescuer = session.StartSource(source, SlowTree.Depth);
            await session.AssertAllExitAsync(ExitCodes.Success, timeout: LocalSession.DefaultTimeout, except: victim);

            Assert.True(SlowTree.SendingSlowPath(source)(rescuer.Output), "the rescuing source never sent the slow path");
            Assert.Contains($"Completed Path {source}/{SlowTree.SlowDirectory}", session.Master!.Output, StringComparison.Ordinal);
            Assert.Contains("0 failed, 0 unfinished", session.Master.Output, StringComparison.Ordinal);
            TreeVerifier.AssertIdentical(source, destination);
            await SessionAssert.OnlySkeletonLeftAsync(session);
        });
    }
}
