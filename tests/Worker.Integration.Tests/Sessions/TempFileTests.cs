using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;
using ZkSync.Worker.Rsync;

namespace ZkSync.Worker.IntegrationTests.Sessions;

/// <summary>
/// rsync's temporary files (<c>.name.XXXXXX</c>) of a transfer cut short: a source killed mid-file, or a destination
/// killed (with its daemon and receivers, as a deleted pod) while its source was frozen. They never appear in the
/// user's tree (the daemon keeps them in <c>.zkrsync-tmp</c>), and a rerun leaves none anywhere: the copy is exact,
/// byte for byte, down to the base directory's modification time.
/// </summary>
public sealed class TempFileTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TransferCutShort_LeavesNoTemporaryFileInTheTree_AndARerunMakesAnExactCopy(bool killDestinationOfFrozenSource)
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        SlowTree.Build(source, bigFileBytes: 8 << 20);

        await using (var first = new LocalSession(zooKeeper.Server, output))
        {
            await first.RunAsync(async () =>
            {
                await first.StartMasterAsync(source, SlowTree.Depth);
                var receiver = await first.StartDestinationAsync(destination);
                var sender = first.StartSource(source, SlowTree.Depth, SlowTree.SlowSourceArguments(256));
                await sender.WaitForLineAsync(SlowTree.SendingSlowPath(source), "sending the slow path", FaultTimeout);
                await Eventually.WaitUntilAsync(() => SlowTree.TransferInProgress(destination), FaultTimeout, "rsync writing the big file");
                Assert.Empty(TempFilesInTheUsersTree(destination));

                if (killDestinationOfFrozenSource)
                {
                    sender.StopTree();
                    receiver.KillTree();
                    Assert.Equal(128 + 9, await receiver.WaitForExitAsync(FaultTimeout));

                    // What a receiver killed by SIGKILL leaves: its temporary file, kept out of the user's tree.
                    Assert.True(SlowTree.TransferInProgress(destination), "the killed receiver's temporary file is gone: the fault was not reproduced");
                    Assert.Empty(TempFilesInTheUsersTree(destination));
                }

                sender.KillTree();
                await sender.WaitForExitAsync(FaultTimeout);
                foreach (var process in first.Processes.Where(p => !p.HasExited))
                {
                    process.KillTree();
                    await process.WaitForExitAsync(FaultTimeout);
                }
            });
        }

        await using var rerun = new LocalSession(zooKeeper.Server, output);
        await rerun.RunAsync(async () =>
        {
            await rerun.StartAllAsync(source, destination, sources: 1, destinations: 1, depth: SlowTree.Depth);
            await rerun.AssertAllExitAsync(ExitCodes.Success);

            Assert.False(Directory.Exists(Path.Combine(destination, RsyncCommandBuilder.TempRoot)), $"{RsyncCommandBuilder.TempRoot} left in the destination");
            TreeVerifier.AssertIdentical(source, destination);
        });
    }

    /// <summary>
    /// Something sharing the base (another destination's cleanup) removes <c>.zkrsync-tmp</c> under a running destination:
    /// its daemon refuses the next transfer (<c>The temp-dir does not exist</c>), the destination makes the directory
    /// again, and the path's next attempt and every later transfer go through: every path completes, none fails.
    /// </summary>
    [Fact]
    public async Task TempDirectoryRemovedUnderARunningDestination_IsMadeAgain_AndEveryPathCompletes()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        const int Directories = 3;
        const int Subdirectories = 2;
        GridTree.Build(source, Directories, Subdirectories, 1000);

        await using var session = new LocalSession(zooKeeper.Server, output);
        await session.RunAsync(async () =>
        {
            string[] extra = ["--batch", "1"];
            await session.StartMasterAsync(source, GridTree.Depth, extra);
            var receiver = await session.StartDestinationAsync(destination);
            Directory.Delete(Path.Combine(destination, RsyncCommandBuilder.TempRoot), recursive: true);

            session.StartSource(source, GridTree.Depth, extra);
            await session.AssertAllExitAsync(ExitCodes.Success);

            Assert.Contains("was removed under the daemon: made it again", receiver.Output, StringComparison.Ordinal);
            var summary = SessionSummaryDocument.FromJson(await File.ReadAllBytesAsync(session.SummaryPath));
            Assert.NotNull(summary);
            Assert.Equal(((long)GridTree.Entries(Directories, Subdirectories), 0L, 0L), (summary.PathsCompleted, summary.PathsFailed, summary.PathsUnfinished));
            Assert.False(Directory.Exists(Path.Combine(destination, RsyncCommandBuilder.TempRoot)), $"{RsyncCommandBuilder.TempRoot} left in the destination");
            TreeVerifier.AssertIdentical(source, destination);
        });
    }

    /// <summary>rsync temporary files anywhere in the tree but the daemon's own directory.</summary>
    private static List<string> TempFilesInTheUsersTree(string destination) =>
        [.. TreeVerifier.Snapshot(destination).Values
            .Where(e => SlowTree.IsRsyncTempFile(e.Relative) && !RawName.Key(e.Relative).StartsWith(RsyncCommandBuilder.TempRoot + "/", StringComparison.Ordinal))
            .Select(e => RawName.Key(e.Relative))];
}
