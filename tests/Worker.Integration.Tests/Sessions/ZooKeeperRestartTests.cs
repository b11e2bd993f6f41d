using System.Diagnostics;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Sessions;

/// <summary>The ZooKeeper server restarts in the middle of a session, while a path is being transferred.</summary>
public sealed class ZooKeeperRestartTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the killed server stays down before it is started again (which itself takes 1-5 s): the
    /// whole outage must stay within the 10 s session timeout.</summary>
    private static readonly TimeSpan CrashDowntime = TimeSpan.FromSeconds(1);

    /// <param name="crash">SIGKILL the server and keep it down for <see cref="CrashDowntime"/> (its log and snapshot on
    /// disk are all that is left) instead of a graceful stop and an immediate start.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ZooKeeperRestartedMidSession_EveryWorkerReconnectsAndTheSessionCompletes(bool crash)
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        SlowTree.Build(source, bigFileBytes: 3 << 20);
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            await session.StartMasterAsync(source, SlowTree.Depth);
            await session.StartDestinationAsync(destination);
            await session.StartDestinationAsync(destination);
            // One source, so it is the one sending the slow path when the server goes (3 MiB at 768 KiB/s: 4 s).
            var slow = session.StartSource(source, SlowTree.Depth, SlowTree.SlowSourceArguments(768));
            await slow.WaitForLineAsync(SlowTree.SendingSlowPath(source), "sending the slow path", FaultTimeout);

            // Stop and start again on the same port and data directory: sessions survive.
            var down = Stopwatch.StartNew();
            if (crash)
            {
                await zooKeeper.Server.KillAsync(CancellationToken.None);

                // The fault's length, not a wait for something: the workers must ride out a dead server.
                await Task.Delay(CrashDowntime);
            }
            else
            {
                await zooKeeper.Server.StopAsync(CancellationToken.None);
            }

            await zooKeeper.Server.StartAsync(CancellationToken.None);
            down.Stop();

            // Not asserted: a restarted server gives every restored session a fresh timeout, so workers must resume
            // their sessions even after a longer outage (on a loaded machine the JVM alone can take 10 s to start).
            output.WriteLine($"ZooKeeper was unavailable for {down.Elapsed}");

            await session.AssertAllExitAsync(ExitCodes.Success);
            Assert.Contains("0 failed, 0 unfinished", session.Master!.Output, StringComparison.Ordinal);
            TreeVerifier.AssertIdentical(source, destination);
            await SessionAssert.OnlySkeletonLeftAsync(session);
        });
    }
}
