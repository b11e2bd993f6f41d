using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Worker.IntegrationTests.Local.Support;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Local;

/// <summary>
/// The repository's <c>./zkrsync</c> wrapper as a new user meets it: a fresh clone of this commit, where
/// <c>./zkrsync local SRC DST</c> builds zkrsync into the clone's <c>.build/</c> and syncs; a second run
/// does not build again; touching a source file makes the next run build. The build is a ReadyToRun
/// publish (a minute or two here), so this one test makes one clone and does all three checks in it;
/// the rebuild is only seen starting (its "building" line) and then stopped.
/// </summary>
public sealed class WrapperScriptTests(ITestOutputHelper output)
{
    private const string BuildingLine = "zkrsync: building (once; again only when the sources change)...";
    private static readonly TimeSpan GitTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FirstRunTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Wrapper_OnACleanClone_BuildsOnceSyncsAndBuildsAgainOnlyWhenASourceChanges()
    {
        var repository = RepositoryRoot();
        var head = (await ScriptProcess.RunAsync("git", ["-C", repository, "rev-parse", "HEAD"], GitTimeout)).StandardOutputLines.Single();
        using var scratch = new ScratchDirectory("zkrsync-wrapper-");
        var clone = Path.Combine(scratch.Path, "clone");
        await ScriptProcess.RunAsync("git", ["clone", "--quiet", "--no-checkout", repository, clone], GitTimeout);
        await ScriptProcess.RunAsync("git", ["-C", clone, "checkout", "--quiet", "--detach", head], GitTimeout);
        var wrapper = Path.Combine(clone, "zkrsync");
        var source = scratch.Subdirectory("source");
        StandardTree.Build(source, hardLinks: false);

        // A clean clone: the wrapper builds, then syncs.
        using var first = await RunWrapperAsync(wrapper, source, Path.Combine(scratch.Path, "first"), FirstRunTimeout);
        Assert.Equal(1, first.StandardErrorLines.Count(l => l == BuildingLine));
        Assert.True(File.Exists(Path.Combine(clone, ".build", "zkrsync", "zkrsync")), "no .build/zkrsync/zkrsync in the clone");

        // Nothing changed: no build.
        using var second = await RunWrapperAsync(wrapper, source, Path.Combine(scratch.Path, "second"), LocalLaunch.RunTimeout);
        Assert.DoesNotContain(second.StandardErrorLines, l => l.Contains("building", StringComparison.Ordinal));

        // A source file touched: the next run builds again (seen starting, then stopped).
        File.SetLastWriteTimeUtc(Path.Combine(clone, "src", "Worker", "Program.cs"), DateTime.UtcNow);
        using var third = ScriptProcess.Start(wrapper, ["local", "--help"], clone, WrapperEnvironment);
        try
        {
            await third.WaitForErrorLineAsync(BuildingLine, LocalLaunch.RunTimeout);
        }
        finally
        {
            third.KillTree();
        }
    }

    /// <summary>No MSBuild node or compiler server kept running after the wrapper's build.</summary>
    private static Dictionary<string, string> WrapperEnvironment { get; } = new()
    {
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        ["UseSharedCompilation"] = "false",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    private async Task<ScriptProcess> RunWrapperAsync(string wrapper, string source, string destination, TimeSpan timeout)
    {
        var tmp = Path.Combine(Path.GetDirectoryName(destination)!, Path.GetFileName(destination) + "-tmp");
        var run = ScriptProcess.Start(
            wrapper,
            ["local", source, destination, "--sources", "1", "--destinations", "1", "--depth", "2", "--tmpdir", tmp],
            Path.GetDirectoryName(wrapper),
            WrapperEnvironment);
        try
        {
            Assert.Equal(ExitCodes.Success, await run.WaitForExitAsync(timeout));
            Assert.Contains(run.StandardOutputLines, l => l.StartsWith("Done: ", StringComparison.Ordinal) && l.Contains(" completed, 0 failed, 0 unfinished;", StringComparison.Ordinal));
            TreeVerifier.AssertIdentical(source, destination, new TreeComparison { ExpectAbsent = StandardTree.ExcludedBySnapshotsRule(2) });
            Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
            return run;
        }
        catch
        {
            output.WriteLine($"===== {run.CommandLine}\n{run}");
            run.Dispose();
            throw;
        }
    }

    /// <summary>The checkout these tests were built from: the directory above the test assembly holding the wrapper and the solution.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "zkrsync")) && File.Exists(Path.Combine(directory.FullName, "ZkSyncOperator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no repository (zkrsync wrapper and ZkSyncOperator.sln) above {AppContext.BaseDirectory}");
    }
}
