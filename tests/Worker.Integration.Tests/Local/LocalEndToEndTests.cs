using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Worker.IntegrationTests.Local.Support;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Local;

/// <summary>
/// <c>zkrsync local SRC DST</c> as a user runs it, on the generated tree (names with spaces, quotes and
/// bytes that are not UTF-8, symlinks of every kind, a FIFO, odd modes and owners, hard links): the
/// destination must be an exact copy, the exit code 0, the summary line printed and the
/// <c>--json-summary</c> file the master's summary; afterwards no process of the run and no file in
/// its <c>--tmpdir</c> may be left.
/// </summary>
public sealed partial class LocalEndToEndTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2, 2, 2, false, false)]
    [InlineData(3, 2, 3, true, true)]
    public async Task Local_OverTheGeneratedTree_MakesAnExactCopyExitsZeroPrintsTheSummaryAndLeavesNothingBehind(
        int sources, int destinations, int depth, bool hardLinks, bool destinationExists)
    {
        using var scratch = new ScratchDirectory("zkrsync-local-");
        var source = scratch.Subdirectory("source");
        var destination = destinationExists ? scratch.Subdirectory("destination") : Path.Combine(scratch.Path, "destination");
        var summaryFile = Path.Combine(scratch.Path, "summary.json");
        StandardTree.Build(source, hardLinks);
        string[] arguments =
        [
            source, destination, "--sources", $"{sources}", "--destinations", $"{destinations}", "--depth", $"{depth}",
            "--json-summary", summaryFile, .. hardLinks ? ["--hardlinks"] : Array.Empty<string>(),
        ];
        await using var launch = LocalLaunch.Start(scratch.Path, arguments);

        await launch.RunAsync(output, async () =>
        {
            Assert.Equal(ExitCodes.Success, await launch.WaitForExitAsync());

            var excluded = StandardTree.ExcludedBySnapshotsRule(depth);
            TreeVerifier.AssertIdentical(source, destination, new TreeComparison { ExpectAbsent = excluded, HardLinks = hardLinks });

            var done = Assert.Single(launch.Process.StandardOutputLines, line => line.StartsWith("Done: ", StringComparison.Ordinal));
            var match = SummaryLine().Match(done);
            Assert.True(match.Success, $"unexpected summary line: {done}");
            var completed = long.Parse(match.Groups["completed"].Value, CultureInfo.InvariantCulture);
            var files = long.Parse(match.Groups["files"].Value, CultureInfo.InvariantCulture);

            using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile));
            var root = summary.RootElement;
            Assert.Equal($"local-{launch.Process.ProcessId}", root.GetProperty("session").GetString());
            Assert.Equal(completed, root.GetProperty("pathsCompleted").GetInt64());
            Assert.Equal(0, root.GetProperty("pathsFailed").GetInt64());
            Assert.Equal(0, root.GetProperty("pathsUnfinished").GetInt64());
            Assert.Empty(root.GetProperty("failedPaths").EnumerateArray());
            Assert.Equal(ExitCodes.Success, root.GetProperty("exitCode").GetInt32());
            Assert.Equal(files, root.GetProperty("stats").GetProperty("Number_of_regular_files_transferred").GetInt64());

            // Every regular file is sent once; a hard link is made by the receiver, not transferred.
            var regular = TreeVerifier.Snapshot(source).Values.Where(e => e.Stat.IsRegular && !excluded(e.Relative)).ToList();
            var linked = hardLinks ? regular.GroupBy(e => e.Stat.Inode).Sum(g => g.Count() - 1) : 0;
            Assert.Equal(regular.Count - linked, files);

            await launch.AssertNothingLeftAsync();
        });
    }

    [GeneratedRegex(@"^Done: (?<completed>\d+) paths completed, 0 failed, 0 unfinished; (?<files>\d+) files, .+ transferred in \d+\.\d s \(.+/s\)$")]
    private static partial Regex SummaryLine();
}
