using System.Globalization;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Sessions;

/// <summary>A destination killed with SIGKILL (with its rsync daemon and the daemon's receivers) while a path goes to it.</summary>
public sealed class DestinationCrashTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DestinationKilledMidPath_ThePathGoesToAnotherDestination()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        SlowTree.Build(source, bigFileBytes: 3 << 20);
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            await session.StartMasterAsync(source, SlowTree.Depth);
            var victim = await session.StartDestinationAsync(destination);
            var victimPort = PortOf(await victim.WaitForLineAsync("Reserved port", FaultTimeout));

            // The only destination so far gets every path, the slow one included (3 MiB at 384 KiB/s: 8 s).
            var sender = session.StartSource(source, SlowTree.Depth, SlowTree.SlowSourceArguments(384));
            var sending = await sender.WaitForLineAsync(SlowTree.SendingSlowPath(source), "sending the slow path", FaultTimeout);
            Assert.EndsWith($" {victimPort}", sending, StringComparison.Ordinal);
            await Eventually.WaitUntilAsync(() => SlowTree.TransferInProgress(destination), FaultTimeout, "rsync writing the big file");
            var survivor = await session.StartDestinationAsync(destination);
            var survivorPort = PortOf(await survivor.WaitForLineAsync("Reserved port", FaultTimeout));
            Assert.True(SlowTree.TransferInProgress(destination), "the slow transfer ended before the victim could be killed");

            victim.KillTree();
            Assert.Equal(128 + 9, await victim.WaitForExitAsync(FaultTimeout));

            await session.AssertAllExitAsync(ExitCodes.Success, timeout: LocalSession.DefaultTimeout, except: victim);

            Assert.Contains(
                sender.Output.Split('\n'),
                line => SlowTree.SendingSlowPath(source)(line) && line.EndsWith($" {survivorPort}", StringComparison.Ordinal));
            Assert.Contains("0 failed, 0 unfinished", session.Master!.Output, StringComparison.Ordinal);

            // The killed daemon's receiver could not remove its temp file; nothing else may differ.
            TreeVerifier.AssertIdentical(source, destination, new TreeComparison { IgnoreInDestination = SlowTree.IsRsyncTempFile });
            await SessionAssert.OnlySkeletonLeftAsync(session);
        });
    }

    private static int PortOf(string reservedLine) =>
        int.Parse(reservedLine[(reservedLine.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
}
