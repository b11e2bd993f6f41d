using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Sessions;

/// <summary>
/// Directory and file names starting with <c>#</c> or <c>;</c>, which rsync reads as comments in a <c>--files-from</c>
/// list (the original never syncs such directories: docs/PROTOCOL.md, bug 9), at every level of the walk, with both
/// ways a source selects a batch: filter rules (our default) and the original's <c>--files-from</c> list.
/// </summary>
public sealed class CommentLikeNameTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NamesStartingWithHashOrSemicolon_AreSyncedExactly_InBothTransferForms(bool filesFrom)
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        new TreeBuilder(source)
            .File("#top-file", 10)
            .File(";top-file", 11)
            .File("#hash/f", 12)
            .File(";semi/g", 13)
            .File("#hash/;inner/h", 14)
            .File("plain/#deep/i", 15)
            .File("plain/;deep/#deeper/j", 16)
            .Directory("#empty")
            .File("plain/k", 17)
            .Seal();
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            // Depth 2: "#hash", ";semi" and "plain" are entries of their own (not recursive), "#hash/;inner", "plain/#deep"
            // and "plain/;deep" recursive ones; a batch of several holds names of both kinds.
            await session.StartAllAsync(source, destination, sources: 2, destinations: 1, depth: 2, extra: filesFrom ? ["--files-from"] : []);
            await session.AssertAllExitAsync(ExitCodes.Success);

            TreeVerifier.AssertIdentical(source, destination);
            Assert.Contains("0 failed, 0 unfinished", session.Master!.Output, StringComparison.Ordinal);
            foreach (var entry in new[] { "#hash", ";semi", "#hash/;inner", "plain/#deep", "plain/;deep", "#empty" })
            {
                Assert.Contains($"Completed Path {source}/{entry}", session.Master.Output, StringComparison.Ordinal);
            }
        });
    }
}
