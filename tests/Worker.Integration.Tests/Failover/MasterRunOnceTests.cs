using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Failover;

/// <summary>
/// <c>--run-once</c>, what the operator gives its master and source pods: a master started on a session that already
/// ran to its end (a Job replacing a killed master pod after a source took over and finished the pass) ends at once
/// with that run's result and starts nothing; the same command line without it starts the session again (the way an
/// admin reuses a session name for the next pass).
/// </summary>
public sealed class MasterRunOnceTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private const int Depth = GridTree.Depth;
    private static readonly TimeSpan RerunTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MasterWithRunOnce_OnASessionThatRanToItsEnd_ExitsWithThatRunsResult_AndStartsNothing()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        GridTree.Build(source, 3, 2, 100);
        await using var session = new LocalSession(zooKeeper.Server, output);
        string[] extra = ["--run-once"];

        await session.RunAsync(async () =>
        {
            await session.StartAllAsync(source, destination, sources: 2, destinations: 1, Depth, extra);
            await session.AssertAllExitAsync(ExitCodes.Success);
            TreeVerifier.AssertIdentical(source, destination);
            var first = await File.ReadAllTextAsync(session.SummaryPath);
            File.Delete(session.SummaryPath);
            var marker = Path.Combine(destination, "added-after-the-run");
            await File.WriteAllTextAsync(marker, "not in the source");

            var rerun = session.Start("master-rerun", session.MasterArguments(source, Depth, extra));
            Assert.Equal(ExitCodes.Success, await rerun.WaitForExitAsync(RerunTimeout));
            Assert.Contains("already ran to its end", rerun.Output, StringComparison.Ordinal);
            Assert.Equal(first, await File.ReadAllTextAsync(session.SummaryPath));
            await SessionAssert.OnlySkeletonLeftAsync(session);
            Assert.True(File.Exists(marker));

            // Without --run-once the same command line starts the session again: it lets workers in (watch/ready).
            var again = session.Start("master-again", session.MasterArguments(source, Depth));
            await again.WaitForLineAsync(": syncing ", RerunTimeout);
            Assert.Contains(ZnodeLayout.Ready(session.Name), (await session.ListZnodesAsync()).Select(n => n.Path));
            again.KillTree();
        });
    }
}
