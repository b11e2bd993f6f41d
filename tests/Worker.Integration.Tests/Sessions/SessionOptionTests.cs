using System.IO.Compression;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Sessions;

/// <summary>
/// Session options end to end: <c>--delete</c>, <c>--dryrun</c>, <c>--state</c>, <c>--pathsonly</c>, and a path
/// that fails (master exit 3, reported in the log, <c>--json-summary</c> and <c>--done-file</c>).
/// </summary>
public sealed class SessionOptionTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Delete_RemovesWhatTheSourceDoesNotHaveAtEveryLevel()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        BuildSmallTree(source);
        new TreeBuilder(destination)
            .File("stale-top.txt", 5)                   // in the base (synced without -r)
            .File("a/stale-level-1.txt", 6)             // in a directory above the depth
            .File("a/sub/stale-deep.txt", 7)            // inside a directory synced recursively
            .File("a/sub/gone/deeper/stale.txt", 8)     // a whole directory the source does not have
            .File("b/stale", 9);
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            await session.StartAllAsync(source, destination, sources: 2, destinations: 2, depth: 2, extra: ["--delete"]);
            await session.AssertAllExitAsync(ExitCodes.Success);

            TreeVerifier.AssertIdentical(source, destination);
        });
    }

    [Fact]
    public async Task DryRun_LeavesTheDestinationExactlyAsItWas()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        var before = Path.Combine(scratch.Path, "before");
        BuildSmallTree(source);
        new TreeBuilder(destination).File("a/f1", 3).File("old.txt", 4).Seal();
        await ReferenceCopy.CreateAsync(destination, before);
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            await session.StartAllAsync(source, destination, sources: 2, destinations: 2, depth: 1, extra: ["--dryrun", "--delete"]);
            await session.AssertAllExitAsync(ExitCodes.Success);

            TreeVerifier.AssertIdentical(before, destination);
            Assert.Contains("paths completed, 0 failed, 0 unfinished", session.Master!.Output, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task State_ExitsZeroWhilePathsAreQueued_And14WhenThereIsNoSession()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        BuildSmallTree(source);
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            var neverUsed = session.Start("state-before", ["--state"]);
            Assert.Equal(ExitCodes.NoSuchSession, await neverUsed.WaitForExitAsync(ShortTimeout));

            // A master without sources or destinations: its paths stay queued.
            var master = await session.StartMasterAsync(source, depth: 2);
            await master.WaitForLineAsync("pathqueue building finished", ShortTimeout);
            var state = session.Start("state-during", ["--state"]);
            Assert.Equal(ExitCodes.Success, await state.WaitForExitAsync(ShortTimeout));
            Assert.Contains($"Remaining: {ExpectedPathCount(source, 2)}, Failed: 0", state.Output, StringComparison.Ordinal);

            // SIGTERM: the master ends the session, every queued path reported unfinished.
            master.Terminate();
            Assert.Equal(ExitCodes.PathsFailed, await master.WaitForExitAsync(ShortTimeout));
            Assert.Contains("Unfinished Path", master.Output, StringComparison.Ordinal);
            Assert.Equal((ExpectedPathCount(source, 2), 0L, 0L), ReadDoneFile(session.DoneFilePath));

            var after = session.Start("state-after", ["--state"]);
            Assert.Equal(ExitCodes.NoSuchSession, await after.WaitForExitAsync(ShortTimeout));
            await SessionAssert.OnlyPersistentNodesWithoutQueuesAsync(session);
        });
    }

    [Fact]
    public async Task PathsOnly_LogsHowManyPathsTheWalkQueuedAndLeavesNoQueue()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        StandardTree.Build(source, hardLinks: false);
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            var pathsOnly = session.Start("pathsonly", ["--pathsonly", "-r", source, "--depth", "2"]);
            Assert.Equal(ExitCodes.Success, await pathsOnly.WaitForExitAsync(ShortTimeout));

            var expected = ExpectedPathCount(source, 2);
            Assert.Contains($"Building with depth 2 took", pathsOnly.Output, StringComparison.Ordinal);
            Assert.Contains($"there are {expected} paths in the Queue", pathsOnly.Output, StringComparison.Ordinal);
            var nodes = await session.ListZnodesAsync();
            Assert.DoesNotContain(nodes, n => n.Path.Contains(ZnodeLayout.PathQueueNode, StringComparison.Ordinal));
            Assert.DoesNotContain(nodes, n => n.Ephemeral);
        });
    }

    /// <summary>
    /// How a path is made to fail, deterministically and as root (who can read any file, so chmod 000 does
    /// not do it): the destination already has a non-empty directory where the source has a regular file.
    /// rsync (without --delete/--force) cannot make way for the file and exits 23 for that path on every
    /// attempt, while every other path syncs normally.
    /// </summary>
    [Fact]
    public async Task FailedPath_MasterExits3AndReportsItInTheLogTheJsonSummaryAndTheDoneFile()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        BuildSmallTree(source);
        new TreeBuilder(source).File("bad/x", 10).File("bad/fine.txt", 11).Seal();
        new TreeBuilder(destination).File("bad/x/in-the-way.txt", 12);
        var badPath = Path.Combine(source, "bad");
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            await session.StartAllAsync(source, destination, sources: 2, destinations: 1, depth: 1);
            var codes = await session.WaitForAllAsync();

            Assert.Equal(ExitCodes.PathsFailed, codes["master"]);
            Assert.All(codes.Where(c => c.Key != "master"), c => Assert.Equal(ExitCodes.Success, c.Value));
            Assert.Contains($"Failed Path {badPath}", session.Master!.Output, StringComparison.Ordinal);

            var total = ExpectedPathCount(source, 1);
            var summary = SessionSummaryDocument.FromJson(await File.ReadAllBytesAsync(session.SummaryPath));
            Assert.NotNull(summary);
            Assert.Equal(session.Name, summary.Session);
            Assert.Equal(1, summary.PathsFailed);
            Assert.Equal(0, summary.PathsUnfinished);
            Assert.Equal(total - 1, summary.PathsCompleted);
            var failed = Assert.Single(summary.FailedPaths);
            Assert.Equal(badPath, failed.Path);
            Assert.StartsWith("rsync exited with code 23: ", failed.Error, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.PathsFailed, summary.ExitCode);
            Assert.Equal(SessionEndReason.PathsFailed, summary.Reason);

            // The operator's copy in ZooKeeper is the same document.
            var stored = await ZooKeeperInspector.ReadAsync(session.ConnectionString, ZnodeLayout.Summary(session.Name), CancellationToken.None);
            Assert.Equal(summary.ToJson(), SessionSummaryDocument.FromJson(stored)?.ToJson());
            Assert.Equal((0L, 1L, total - 1), ReadDoneFile(session.DoneFilePath));

            // Everything else arrived; only the obstacle differs.
            var differences = TreeVerifier.Compare(source, destination);
            Assert.Equal(
                ["bad/x: kind file in source, directory in destination", "extra in destination: bad/x/in-the-way.txt (file)"],
                differences.Order(StringComparer.Ordinal));
            await SessionAssert.OnlySkeletonLeftAsync(session);
        });
    }

    /// <summary>A small tree: files in the base, two levels of directories, one deeper.</summary>
    private static void BuildSmallTree(string root) =>
        new TreeBuilder(root)
            .File("top.txt", 10)
            .File("a/f1", 11)
            .File("a/sub/f2", 12)
            .File("a/sub/deeper/f3", 13)
            .File("a/other/f4", 14)
            .File("b/f5", 15)
            .Directory("c-empty")
            .Seal();

    /// <summary>
    /// The number of queue entries the walk must produce, counted independently of the worker: the base plus
    /// every directory (not symlink) down to <paramref name="depth"/> levels, minus root-owned <c>.snapshots</c>
    /// directories and everything below them.
    /// </summary>
    private static long ExpectedPathCount(string root, int depth)
    {
        var snapshot = TreeVerifier.Snapshot(root);
        var excluded = snapshot.Values
            .Where(e => e.Stat.IsDirectory && e.Stat.Uid == 0 && EndsWithSnapshots(e.Relative))
            .Select(e => RawName.Key(e.Relative))
            .ToList();
        return snapshot.Values.Count(e =>
            e.Stat.IsDirectory
            && (e.Relative.Length == 0 || e.Relative.Count(b => b == (byte)'/') + 1 <= depth)
            && !excluded.Any(x => RawName.Key(e.Relative) == x || RawName.Key(e.Relative).StartsWith(x + "/", StringComparison.Ordinal)));
    }

    private static bool EndsWithSnapshots(byte[] relative)
    {
        var name = ".snapshots"u8;
        return relative.AsSpan().EndsWith(name) && (relative.Length == name.Length || relative[^(name.Length + 1)] == (byte)'/');
    }

    /// <summary>The done-file's counts: gzipped JSON <c>{"stats": {"py/tuple": [timestamp, {...}]}}</c>.</summary>
    private static (long Unfinished, long Failed, long Completed) ReadDoneFile(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        var shelf = JsonNode.Parse(gzip)!.AsObject();
        var tuple = shelf["stats"]!["py/tuple"]!.AsArray();
        Assert.Equal(2, tuple.Count);
        var timestamp = tuple[0]!.GetValue<double>();
        Assert.InRange(timestamp, DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        var counts = tuple[1]!.AsObject();
        return (counts["unfinished"]!.GetValue<long>(), counts["failed"]!.GetValue<long>(), counts["completed"]!.GetValue<long>());
    }
}
