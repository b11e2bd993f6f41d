using ZkSync.Worker.Rsync;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Tests.Rsync;

public sealed class SourceArgumentsTests
{
    private static readonly RsyncCapabilities Stock = RsyncCapabilities.ParseHelp("--stats   give some file-transfer stats\n");

    private static PathEntry Entry(string path, bool recursive) => new(RawPath.FromString(path), recursive);

    [Fact]
    public void RecursiveEntries_AreNamedBelowTheMarker_WithoutATrailingSlash()
    {
        var arguments = SourceArguments.Create(RawPath.FromString("/data/src/"), [Entry("/data/src/a/b c", true), Entry("/data/src/#x", true)]);

        Assert.NotNull(arguments);
        Assert.Equal(["/data/src/./a/b c", "/data/src/./#x"], arguments.Paths);
        Assert.Equal(["--relative"], arguments.SelectionOptions("unused"));
        Assert.False(arguments.UsesListFile);
    }

    [Fact]
    public void NonRecursiveEntries_EndInASlash_SoDirsSendsTheirContent_AndTheBaseIsItsDot()
    {
        var arguments = SourceArguments.Create(RawPath.FromString("/data"), [Entry("/data", false), Entry("/data/a/b", false)]);

        Assert.NotNull(arguments);
        Assert.Equal(["/data/./", "/data/./a/b/"], arguments.Paths);
        Assert.Equal(["--relative", "--dirs"], arguments.SelectionOptions("unused"));
    }

    [Theory]
    [InlineData("/data/./src")] // rsync would take this "/./" as the marker
    [InlineData("/data/.")]
    [InlineData("data/src")] // not absolute: "host:path" parsing, and a marker relative to the working directory
    public void ABaseTheMarkerCannotFollow_GivesNull(string basePath)
    {
        Assert.Null(SourceArguments.Create(RawPath.FromString(basePath), [Entry(basePath + "/a", true)]));
    }

    [Fact]
    public void ANameThatIsNotUtf8_GivesNull()
    {
        var raw = RawPath.FromBytes([.. "/data/caf"u8, 0xE9]);
        Assert.Null(SourceArguments.Create(RawPath.FromString("/data"), [Entry("/data/a", true), new PathEntry(raw, true)]));
    }

    [Fact]
    public void ArgumentsAboveTheLimit_GiveNull()
    {
        var name = new string('n', 200);
        var entries = Enumerable.Range(0, SourceArguments.MaxTotalLength / 200).Select(i => Entry($"/data/{i}/{name}", true)).ToList();

        Assert.Null(SourceArguments.Create(RawPath.FromString("/data"), entries));
        Assert.NotNull(SourceArguments.Create(RawPath.FromString("/data"), entries[..10]));
    }

    [Fact]
    public void Source_NamesTheEntriesInPlaceOfTheBase_AfterTheOriginalsFlags()
    {
        var arguments = SourceArguments.Create(RawPath.FromString("/data"), [Entry("/data/a", false), Entry("/data/b", false)])!;

        var invocation = RsyncCommandBuilder.Source(new RsyncSourceSettings(Delete: true), arguments, string.Empty, "/data", "node7", 4444, "s1", Stock);

        Assert.Equal(
            ["--stats", "--numeric-ids", "-lptgoD", "--relative", "--dirs", "--delete", "--sockopts=TCP_NODELAY", "/data/./a/", "/data/./b/", "rsync://node7:4444/zkrs-s1"],
            invocation.Arguments);
    }

    [Fact]
    public void BatchSelection_PrefersArguments_UnlessTheOriginalsListIsAsked()
    {
        IReadOnlyList<PathEntry> batch = [Entry("/data/a/b", true), Entry("/data/a/c", true)];

        Assert.IsType<SourceArguments>(BatchSelection.For(RawPath.FromString("/data"), batch, false, null).List);
        Assert.IsType<FilesFromList>(BatchSelection.For(RawPath.FromString("/data"), batch, true, null).List);
    }
}
