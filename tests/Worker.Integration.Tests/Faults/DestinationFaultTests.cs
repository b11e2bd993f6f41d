using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Interop.Support;
using ZkSync.Worker.IntegrationTests.Local.Support;
using ZkSync.Worker.IntegrationTests.Sessions.Support;
using ZkSync.Worker.Rsync;

namespace ZkSync.Worker.IntegrationTests.Faults;

/// <summary>
/// A destination whose file system fills up or turns read-only mid-session, on a tmpfs the test mounts (as root):
/// the destination stops taking transfers, the master ends the session at once with exit 3, one line that names the
/// destination, the error and the space, and the reason in <c>--json-summary</c> and <c>S/summary</c>; no path is
/// reported done that is not complete in the destination, none is counted failed.
/// </summary>
public sealed partial class DestinationFaultTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    /// <summary>Directories of one file each: 12 x 512 KiB, three times what the small tmpfs holds.</summary>
    private const int Directories = 12;
    private const int FileBytes = 512 << 10;

    /// <summary>A session that cannot go on must end well within this (the issue saw one still grinding after 2 minutes).</summary>
    private static readonly TimeSpan EndTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Session_WhenTheDestinationFillsUp_EndsWithExit3DestinationFullAndReportsNoIncompletePathDone()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        BuildTree(source);
        using var small = Mount.Tmpfs(Path.Combine(scratch.Path, "small"), "size=2m");
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            // One path per rsync run: some paths complete before the disk is full (a source's default batch, its share
            // of the queue, may hold them all), and those must be complete copies.
            await session.StartAllAsync(source, small.Path, sources: 2, destinations: 1, depth: 1, extra: ["--batch", "1"]);
            var codes = await session.WaitForAllAsync(EndTimeout);

            Assert.Equal(ExitCodes.PathsFailed, codes["master"]);
            Assert.All(codes.Where(c => c.Key != "master"), c => Assert.Equal(ExitCodes.Success, c.Value));
            var line = Assert.Single(session.Master!.StandardErrorLines, l => l.StartsWith("zkrsync: error: ", StringComparison.Ordinal));
            Assert.Matches(FullLine(), line);
            Assert.Contains($"({small.Path})", line, StringComparison.Ordinal);

            var summary = await AssertSummaryAsync(session, SessionEndReason.DestinationFull, line["zkrsync: error: ".Length..]);
            Assert.Equal(Directories + 1, summary.PathsCompleted + summary.PathsUnfinished);
            AssertCompletedPathsAreComplete(session.Master.Output, source, small.Path);
        });
    }

    [Fact]
    public async Task Session_WhenTheDestinationTurnsReadOnly_EndsWithExit3DestinationReadOnly()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        BuildTree(source);
        using var volume = Mount.Tmpfs(Path.Combine(scratch.Path, "volume"), "size=64m");
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            // Writable when the destination checks its base and joins; read-only before the first transfer.
            var destination = await session.StartDestinationAsync(volume.Path);
            Mount.Remount(volume.Path, "remount,ro");
            await session.StartMasterAsync(source, 1);
            session.StartSource(source, 1);
            var codes = await session.WaitForAllAsync(EndTimeout);

            Assert.Equal(ExitCodes.PathsFailed, codes["master"]);
            Assert.Equal(ExitCodes.Success, destination.ExitCode);
            var line = Assert.Single(session.Master!.StandardErrorLines, l => l.StartsWith("zkrsync: error: ", StringComparison.Ordinal));
            Assert.Matches(ReadOnlyLine(), line);
            var summary = await AssertSummaryAsync(session, SessionEndReason.DestinationReadOnly, line["zkrsync: error: ".Length..]);
            Assert.Equal(0, summary.PathsFailed);

            // Nothing of the user's tree; the daemon's temporary directory, made before the file system turned read-only,
            // cannot be removed from it (the next destination on it, writable again, does).
            Assert.Equal([Path.Combine(volume.Path, RsyncCommandBuilder.TempRoot)], Directory.EnumerateFileSystemEntries(volume.Path));
        });
    }

    /// <summary>Original sources (held to one destination entry each) see the full destination say <c>paused</c>: they
    /// disable it, drop its entry and put their paths back, and stop when the master ends the session.</summary>
    [Fact]
    public async Task OriginalSources_WhenOurDestinationFillsUp_RespectItsPauseAndTheSessionEndsDestinationFull()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        BuildTree(source);
        using var small = Mount.Tmpfs(Path.Combine(scratch.Path, "small"), "size=2m");
        await using var ours = new LocalSession(zooKeeper.Server, output);
        await using var session = new MixedSession(ours, output);

        await session.RunAsync(async () =>
        {
            await ours.StartMasterAsync(source, 1);
            await ours.StartDestinationAsync(small.Path, ["--slots", "2"]);
            await session.StartOriginalSourceAsync(source, 1);
            await session.StartOriginalSourceAsync(source, 1);

            Assert.Equal(ExitCodes.PathsFailed, await ours.Master!.WaitForExitAsync(EndTimeout));
            await Task.WhenAll(session.Originals.Select(o => o.Exited)).WaitAsync(EndTimeout);
            Assert.All(session.Originals, o => Assert.Equal(0, o.Exited.Result));
            Assert.Equal(ExitCodes.Success, await ours.Destinations[0].WaitForExitAsync(EndTimeout));

            var summary = SessionSummaryDocument.FromJson(await File.ReadAllBytesAsync(ours.SummaryPath));
            Assert.NotNull(summary);
            Assert.Equal(SessionEndReason.DestinationFull, summary.Reason);
            Assert.True(summary.PathsUnfinished > 0, "no path was left unfinished");
            AssertCompletedPathsAreComplete(ours.Master.Output, source, small.Path);
        });
    }

    [Fact]
    public async Task Local_WhenTheDestinationFillsUpDespiteForce_ExitsThreeWithOneLineAndTheReasonInTheSummary()
    {
        using var scratch = new ScratchDirectory("zkrsync-local-");
        var source = scratch.Subdirectory("source");
        BuildTree(source);
        using var small = Mount.Tmpfs(Path.Combine(scratch.Path, "small"), "size=2m");
        var summaryFile = Path.Combine(scratch.Path, "summary.json");
        await using var launch = LocalLaunch.Start(
            scratch.Path, [source, small.Path, "--force", "--sources", "2", "--destinations", "1", "--depth", "1", "--json-summary", summaryFile]);

        await launch.RunAsync(output, async () =>
        {
            Assert.Equal(ExitCodes.PathsFailed, await launch.WaitForExitAsync(EndTimeout));
            var line = Assert.Single(launch.Process.StandardErrorLines, l => l.Contains("error", StringComparison.OrdinalIgnoreCase));
            Assert.StartsWith("zkrsync local: error: destination ", line, StringComparison.Ordinal);
            Assert.Contains("cannot take more: no space left", line, StringComparison.Ordinal);

            var summary = SessionSummaryDocument.FromJson(await File.ReadAllBytesAsync(summaryFile));
            Assert.NotNull(summary);
            Assert.Equal(SessionEndReason.DestinationFull, summary.Reason);
            Assert.Equal(ExitCodes.PathsFailed, summary.ExitCode);
            Assert.Equal(0, summary.PathsFailed);
            Assert.True(summary.PathsUnfinished > 0, "no path was left unfinished");

            // Every directory counted complete (the base, which holds no file, is one of them) is complete in the copy.
            Assert.True(summary.PathsCompleted <= CompleteCopies(source, small.Path) + 1, $"{summary.PathsCompleted} paths reported done, fewer complete");
            await launch.AssertNothingLeftAsync();
        });
    }

    /// <summary><see cref="Directories"/> directories, each with one file of random bytes.</summary>
    private static void BuildTree(string root)
    {
        for (var i = 0; i < Directories; i++)
        {
            var directory = Directory.CreateDirectory(Path.Combine(root, $"d{i:00}")).FullName;
            File.WriteAllBytes(Path.Combine(directory, "data"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(FileBytes));
        }
    }

    private static int CompleteCopies(string source, string destination) =>
        Directory.GetDirectories(source).Count(directory => IsCompleteCopy(source, destination, Path.GetFileName(directory)));

    private static bool IsCompleteCopy(string source, string destination, string relative)
    {
        var copy = Path.Combine(destination, relative, "data");
        return File.Exists(copy) && File.ReadAllBytes(copy).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(source, relative, "data")));
    }

    /// <summary>Every "Completed Path" the master logged is complete in the destination.</summary>
    private static void AssertCompletedPathsAreComplete(string masterOutput, string source, string destination)
    {
        var completed = CompletedPath().Matches(masterOutput).Select(m => m.Groups["path"].Value.TrimEnd()).ToList();
        Assert.NotEmpty(completed);
        foreach (var path in completed.Where(p => p != source))
        {
            Assert.True(IsCompleteCopy(source, destination, Path.GetRelativePath(source, path)), $"{path} was reported completed but its copy is incomplete");
        }
    }

    /// <summary>The master's <c>--json-summary</c> and <c>S/summary</c> (what the operator reads) agree on the reason and the line.</summary>
    private static async Task<SessionSummaryDocument> AssertSummaryAsync(LocalSession session, string reason, string message)
    {
        var file = SessionSummaryDocument.FromJson(await File.ReadAllBytesAsync(session.SummaryPath));
        var node = SessionSummaryDocument.FromJson(await ZooKeeperInspector.ReadAsync(session.InspectionConnectionString, ZnodeLayout.Summary(session.Name), CancellationToken.None));
        Assert.NotNull(file);
        Assert.NotNull(node);
        foreach (var summary in new[] { file, node })
        {
            Assert.Equal(reason, summary.Reason);
            Assert.Equal(ExitCodes.PathsFailed, summary.ExitCode);
            Assert.Equal(message, summary.Message);
            Assert.Equal(0, summary.PathsFailed);
            Assert.True(summary.PathsUnfinished > 0, "no path was left unfinished");
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(session.SummaryPath));
        Assert.Equal(reason, json.RootElement.GetProperty("reason").GetString());
        return file;
    }

    [GeneratedRegex(@"^zkrsync: error: destination 127\.0\.0\.1:\d+ \(.+\) cannot take more: no space left \(.*No space left on device \(28\)\); \d+(\.\d)? (B|KiB|MiB) free there, the \d+ unfinished paths hold \d+(\.\d)? (B|KiB|MiB) on the source: free space there \(or add a destination with room\) and run the session again$")]
    private static partial Regex FullLine();

    [GeneratedRegex(@"^zkrsync: error: destination 127\.0\.0\.1:\d+ \(.+\) cannot take more: read-only file system \(.*Read-only file system \(30\)\); .+ free there, the \d+ unfinished paths hold .+ on the source: remount it read-write \(or use another destination\) and run the session again$")]
    private static partial Regex ReadOnlyLine();

    [GeneratedRegex(@"Completed Path (?<path>.+)$", RegexOptions.Multiline)]
    private static partial Regex CompletedPath();
}
