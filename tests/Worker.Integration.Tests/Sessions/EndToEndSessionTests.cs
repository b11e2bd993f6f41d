using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Sessions;

/// <summary>
/// Whole local sessions of the built <c>zkrsync</c>: one master, several sources and destinations (all
/// destinations write to one directory, as pods on a shared file system do) over the generated tree;
/// the destination must be an exact copy, every worker must exit 0, and ZooKeeper must keep only the
/// session's persistent skeleton.
/// </summary>
public sealed class EndToEndSessionTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    [Theory]
    [InlineData(2, 4, 1, false)]
    [InlineData(3, 2, 2, true)]
    [InlineData(4, 3, 3, true)]
    public async Task Session_OverTheGeneratedTree_MakesAnExactCopyAndLeavesOnlyTheSkeleton(int sources, int destinations, int depth, bool hardLinks)
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        StandardTree.Build(source, hardLinks);
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            await session.StartAllAsync(source, destination, sources, destinations, depth, hardLinks ? ["--hardlinks"] : []);
            await session.AssertAllExitAsync(ExitCodes.Success);

            TreeVerifier.AssertIdentical(source, destination, new TreeComparison
            {
                ExpectAbsent = StandardTree.ExcludedBySnapshotsRule(depth),
                HardLinks = hardLinks,
            });
            await SessionAssert.OnlySkeletonLeftAsync(session);
        });
    }
}
