using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Faults;

/// <summary>
/// Every worker (master, sources, destinations) reaches ZooKeeper through a TCP proxy that resets every connection
/// every 0.3 s: requests in flight fail with ConnectionLoss, replies are lost after the server applied the
/// request, reconnects race the next reset. The session must complete as if nothing happened.
/// </summary>
public sealed class ConnectionResetTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private const int Directories = 3;
    private const int Subdirectories = 2;
    private static readonly TimeSpan ResetInterval = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task EveryConnectionResetEvery300Ms_TheSessionCompletes_ExactCopyAndEveryWorkerExits0()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        GridTree.Build(source, Directories, Subdirectories, 4096);
        await using var proxy = new TcpProxy(zooKeeper.Server.Port);
        await using var session = new LocalSession(proxy.ConnectionString, zooKeeper.Server.ConnectionString, () => zooKeeper.Server.Log, output);
        using var stopResetting = new CancellationTokenSource();
        var resetting = ResetEveryAsync(proxy, stopResetting.Token);

        // One path per rsync run, each held to about 4 s by --bwlimit (1 KiB/s, 4 KiB per path): the session lasts
        // ~20 s whatever the speed of its ZooKeeper traffic (batched, it once ended after 17 resets).
        await session.RunAsync(async () =>
        {
            try
            {
                await session.StartAllAsync(source, destination, sources: 2, destinations: 2, depth: GridTree.Depth, extra: ["--batch", "1", "--arbitopts", "bwlimit:1"]);
                await session.AssertAllExitAsync(ExitCodes.Success, SessionTimeout);
            }
            finally
            {
                await stopResetting.CancelAsync();
                await resetting;
            }

            // A worker whose goodbye (the session's close) was cut by a reset leaves its session to expire.
            foreach (var process in session.Processes)
            {
                await session.WaitUntilSessionGoneAsync(process, TimeSpan.FromSeconds(60));
            }

            output.WriteLine($"{proxy.Resets} resets cut connections during the session");
            Assert.True(proxy.Resets >= 20, $"only {proxy.Resets} resets cut a connection: the session was too short to prove anything");
            TreeVerifier.AssertIdentical(source, destination);
            var summary = SessionSummaryDocument.FromJson(await File.ReadAllBytesAsync(session.SummaryPath));
            Assert.NotNull(summary);
            Assert.Equal(GridTree.Entries(Directories, Subdirectories), summary.PathsCompleted);
            Assert.Equal(0, summary.PathsFailed + summary.PathsUnfinished);
            Assert.Equal(GridTree.Files(Directories, Subdirectories), summary.Stats["Number_of_regular_files_transferred"]);
            await SessionAssert.OnlySkeletonLeftAsync(session);
        });
    }

    private static async Task ResetEveryAsync(TcpProxy proxy, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ResetInterval);
        try
        {
            // The fault's rhythm, not a wait for something.
            while (await timer.WaitForNextTickAsync(stop))
            {
                proxy.ResetConnections();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
