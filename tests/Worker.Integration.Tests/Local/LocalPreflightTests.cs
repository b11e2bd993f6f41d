using System.Runtime.InteropServices;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Worker.IntegrationTests.Local.Support;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Local;

/// <summary>
/// Every input <c>zkrsync local</c> refuses: it must say why in one line on stderr (a usage error from the
/// option parser adds only the standard "Try 'zkrsync --help'" hint), print nothing on stdout, exit 2 and
/// start nothing: no process, no run directory (not even <c>--tmpdir</c>), no destination directory.
/// Root ignores permission bits, so an unwritable destination is a read-only tmpfs (EROFS applies to root
/// too); too little room is a tmpfs of 1 MiB and 64 inodes. The tests mount both, as root.
/// </summary>
public sealed class LocalPreflightTests(ITestOutputHelper output) : IDisposable
{
    private const string HelpHint = "Try 'zkrsync --help' for more information.";

    private readonly ScratchDirectory _scratch = new("zkrsync-local-");

    private string Source => _scratch.Subdirectory("source");

    [Fact]
    public Task Local_WhenTheSourceIsMissing_SaysSoAndExits2() =>
        AssertRefusedAsync([Path.Combine(_scratch.Path, "nope"), Path.Combine(_scratch.Path, "dst")], $"zkrsync local: source {Path.Combine(_scratch.Path, "nope")} does not exist");

    [Fact]
    public Task Local_WhenTheSourceIsAFile_SaysItIsNotADirectoryAndExits2()
    {
        var file = Path.Combine(_scratch.Path, "file");
        File.WriteAllText(file, "x");
        return AssertRefusedAsync([file, Path.Combine(_scratch.Path, "dst")], $"zkrsync local: source {file} is not a directory");
    }

    [Fact]
    public Task Local_WhenTheDestinationIsAFile_SaysItIsNotADirectoryAndExits2()
    {
        var file = Path.Combine(_scratch.Path, "file");
        File.WriteAllText(file, "x");
        return AssertRefusedAsync([Source, file], $"zkrsync local: destination {file} is not a directory");
    }

    [Fact]
    public Task Local_WhenTheDestinationsParentIsMissing_SaysSoAndExits2()
    {
        var destination = Path.Combine(_scratch.Path, "no", "such", "dst");
        return AssertRefusedAsync([Source, destination], $"zkrsync local: destination {destination} does not exist, nor does its parent directory");
    }

    /// <summary>The destination does not exist yet: refusing must not create it inside the source.</summary>
    [Fact]
    public async Task Local_WhenTheDestinationIsInsideTheSource_SaysSoExits2AndCreatesNothingThere()
    {
        var source = Source;
        var destination = Path.Combine(source, "copy");
        await AssertRefusedAsync([source, destination], $"zkrsync local: destination {destination} is inside source {source}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(source));
    }

    [Fact]
    public Task Local_WhenTheSourceIsInsideTheDestination_SaysSoAndExits2()
    {
        var destination = _scratch.Subdirectory("dst");
        var source = Directory.CreateDirectory(Path.Combine(destination, "src")).FullName;
        return AssertRefusedAsync([source, destination], $"zkrsync local: source {source} is inside destination {destination}");
    }

    [Fact]
    public Task Local_WhenSourceAndDestinationAreTheSameDirectory_SaysSoAndExits2() =>
        AssertRefusedAsync([Source, Source + "/"], "zkrsync local: source and destination are the same directory");

    [Fact]
    public Task Local_WhenTheDestinationIsASymlinkToTheSource_SaysTheyAreTheSameAndExits2()
    {
        var link = Path.Combine(_scratch.Path, "link");
        File.CreateSymbolicLink(link, Source);
        return AssertRefusedAsync([Source, link], "zkrsync local: source and destination are the same directory");
    }

    [Fact]
    public async Task Local_WhenTheDestinationIsOnAReadOnlyFileSystem_SaysItIsNotWritableAndExits2()
    {
        using var readOnly = Mount.Tmpfs(Path.Combine(_scratch.Path, "ro"), "ro,size=64k");
        await AssertRefusedAsync([Source, readOnly.Path], $"zkrsync local: destination {readOnly.Path} is not writable");
    }

    [Fact]
    public async Task Local_WhenTheDestinationCannotBeCreatedInAReadOnlyParent_SaysSoAndExits2()
    {
        using var readOnly = Mount.Tmpfs(Path.Combine(_scratch.Path, "ro"), "ro,size=64k");
        var destination = Path.Combine(readOnly.Path, "dst");
        await AssertRefusedAsync([Source, destination], $"zkrsync local: cannot create destination {destination}: {readOnly.Path} is not writable");
    }

    /// <summary>
    /// A first copy of 3 names of one 600 KiB file into 1 MiB: counted per name, 1.8 MiB does not fit, so the
    /// check refuses. With <c>--force</c> the check is skipped and, with <c>--hardlinks</c>, the copy (one
    /// file, two more links) really fits: the run succeeds.
    /// </summary>
    [Fact]
    public async Task Local_WhenAFirstCopyNeedsMoreSpaceThanTheDestinationHas_RefusesAndForceSkipsTheCheck()
    {
        var source = Source;
        new TreeBuilder(source).File("a/big", 600 * 1024).HardLink("a/link1", "a/big").HardLink("a/link2", "a/big").Seal();
        using var small = Mount.Tmpfs(Path.Combine(_scratch.Path, "small"), "size=1m,nr_inodes=64");
        var destination = Path.Combine(small.Path, "dst");
        await AssertRefusedAsync(
            [source, destination, "--hardlinks"],
            line => line.StartsWith($"zkrsync local: not enough space on the destination: the source needs about 1.8 MiB, {destination} has ", StringComparison.Ordinal)
                && line.EndsWith(" free (--force skips this check)", StringComparison.Ordinal));

        await using var forced = LocalLaunch.Start(_scratch.Path, [source, destination, "--hardlinks", "--force", "--sources", "1", "--destinations", "1"]);
        await forced.RunAsync(output, async () =>
        {
            Assert.Equal(ExitCodes.Success, await forced.WaitForExitAsync());
            TreeVerifier.AssertIdentical(source, destination, new TreeComparison { HardLinks = true });
            await forced.AssertNothingLeftAsync();
        });
    }

    [Fact]
    public async Task Local_WhenAFirstCopyNeedsMoreInodesThanTheDestinationHas_SaysSoAndExits2()
    {
        var source = Source;
        var tree = new TreeBuilder(source);
        for (var i = 0; i < 80; i++)
        {
            tree.File($"many/f{i}", 0);
        }

        tree.Seal();
        using var small = Mount.Tmpfs(Path.Combine(_scratch.Path, "small"), "size=1m,nr_inodes=64");
        await AssertRefusedAsync(
            [source, small.Path],
            line => line.StartsWith($"zkrsync local: not enough inodes on the destination: the source has 82 entries, {small.Path} has ", StringComparison.Ordinal)
                && line.EndsWith(" free inodes (--force skips this check)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--sources", "0")]
    [InlineData("--sources", "65")]
    [InlineData("--destinations", "0")]
    [InlineData("--destinations", "65")]
    public Task Local_WithAWorkerCountOutOf1To64_SaysSoAndExits2(string option, string value) =>
        AssertRefusedAsync(
            [Source, Path.Combine(_scratch.Path, "dst"), option, value],
            $"zkrsync: error: option {option}: {option} must be between 1 and 64, not {value}",
            HelpHint);

    [Fact]
    public Task Local_WithoutADestination_SaysBothDirectoriesAreNeededAndExits2() =>
        AssertRefusedAsync([Source], "zkrsync: error: zkrsync local needs a source and a destination directory: zkrsync local SRC DST", HelpHint);

    [Fact]
    public Task Local_WithoutAnyDirectory_SaysBothDirectoriesAreNeededAndExits2() =>
        AssertRefusedAsync([], "zkrsync: error: zkrsync local needs a source and a destination directory: zkrsync local SRC DST", HelpHint);

    [Fact]
    public Task Local_WithThreeDirectories_SaysItTakesExactlyTwoAndExits2() =>
        AssertRefusedAsync(
            [Source, Path.Combine(_scratch.Path, "a"), Path.Combine(_scratch.Path, "b")],
            $"zkrsync: error: zkrsync local takes exactly two directories, got 3: {Source} {Path.Combine(_scratch.Path, "a")} {Path.Combine(_scratch.Path, "b")}",
            HelpHint);

    [Fact]
    public Task Local_WithAnUnknownOption_NamesItAndExits2() =>
        AssertRefusedAsync([Source, Path.Combine(_scratch.Path, "dst"), "--no-such-option"], "zkrsync: error: no such option: --no-such-option", HelpHint);

    /// <summary>The launcher looks for <c>java</c> on PATH; a PATH holding only an empty directory has none
    /// (DOTNET_ROOT tells the apphost where the runtime is, which it may otherwise find through PATH).</summary>
    [Fact]
    public Task Local_WithoutJavaOnPath_SaysWhatToInstallAndExits2()
    {
        var emptyBin = _scratch.Subdirectory("empty-bin");
        return AssertRefusedAsync(
            [Source, Path.Combine(_scratch.Path, "dst")],
            "zkrsync local: zkrsync local needs Java to run its private ZooKeeper: apt-get install -y default-jre-headless (or pass --servers HOST:PORT)",
            environment: new Dictionary<string, string>
            {
                ["PATH"] = emptyBin,
                ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
            });
    }

    public void Dispose() => _scratch.Dispose();

    private Task AssertRefusedAsync(string[] arguments, string expected, string? hint = null, IReadOnlyDictionary<string, string>? environment = null) =>
        AssertRefusedAsync(arguments, line => line == expected, hint, environment, expected);

    private async Task AssertRefusedAsync(
        string[] arguments, Func<string, bool> expected, string? hint = null, IReadOnlyDictionary<string, string>? environment = null, string? description = null)
    {
        var destination = arguments.Length >= 2 ? arguments[1] : null;
        var destinationExisted = destination is not null && Path.Exists(destination);
        await using var launch = LocalLaunch.Start(_scratch.Path, arguments, environment);
        await launch.RunAsync(output, async () =>
        {
            Assert.Equal(ExitCodes.Usage, await launch.WaitForExitAsync(LocalLaunch.RefusalTimeout));

            var stderr = launch.Process.StandardErrorLines;
            Assert.True(
                stderr.Count == (hint is null ? 1 : 2) && expected(stderr[0]) && (hint is null || stderr[1] == hint),
                $"expected on stderr: {description ?? "(a matching line)"}{(hint is null ? string.Empty : "\n" + hint)}\ngot:\n{string.Join('\n', stderr)}");
            Assert.Empty(launch.Process.StandardOutputLines);
            launch.AssertNothingStarted();
            if (destination is not null && !destinationExisted)
            {
                Assert.False(Path.Exists(destination), $"the refused run created the destination {destination}");
            }
        });
    }
}
