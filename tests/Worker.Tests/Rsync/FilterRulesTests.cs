using System.Text;
using ZkSync.Worker.Rsync;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Tests.Rsync;

public sealed class FilterRulesTests
{
    private static readonly RawPath Base = RawPath.FromString("/data");

    private static PathEntry E(string path, bool rec = false) => new(RawPath.FromString(path), rec);

    private static string[] Lines(FilterRules rules) =>
        Encoding.Latin1.GetString(rules.Content).Split(rules.NulSeparated ? '\0' : '\n')[..^1];

    [Fact]
    public void RecursiveBatch_IncludesEntriesAndTheirAncestors_ThenExcludesEverythingElseOfThem()
    {
        var rules = FilterRules.Create(Base, [E("/data/a/b/c", true), E("/data/a/b/d", true), E("/data/x/y/z", true)]);

        Assert.Equal(
            ["+ /a", "+ /a/b", "+ /a/b/c", "+ /a/b/d", "+ /x", "+ /x/y", "+ /x/y/z", "- /a/*", "- /a/b/*", "- /x/*", "- /x/y/*", "- /*"],
            Lines(rules));
        Assert.True(rules.Recursive);
        Assert.False(rules.NulSeparated);
        Assert.Equal(["--exclude-from=/t/f"], rules.SelectionOptions("/t/f"));
    }

    [Fact]
    public void NestedRecursiveEntries_DoNotNarrowTheOuterOne()
    {
        var rules = FilterRules.Create(Base, [E("/data/a", true), E("/data/a/b/c", true)]);

        Assert.Equal(["+ /a", "+ /a/b/c", "- /*"], Lines(rules));
    }

    [Fact]
    public void Wildcards_AreEscapedWhereAPatternIsMatchedAsWildcards()
    {
        var rules = FilterRules.Create(Base, [E("/data/w*[1]?/back\\slash", true), E("/data/plain\\dir/x", true)]);

        Assert.Equal(
            [
                "+ /plain\\dir",            // no wildcard: the backslash is a plain character
                "+ /plain\\dir/x",
                "+ /w\\*\\[1]\\?",
                "+ /w\\*\\[1]\\?/back\\\\slash",
                "- /plain\\\\dir/*",        // "*" makes it a wildcard pattern: the backslash is escaped
                "- /w\\*\\[1]\\?/*",
                "- /*",
            ],
            Lines(rules));
    }

    [Fact]
    public void NamesWithLineBreaks_UseNulSeparatedRules()
    {
        var rules = FilterRules.Create(Base, [E("/data/line\nbreak", true)]);

        Assert.True(rules.NulSeparated);
        Assert.Equal(["+ /line\nbreak", "- /*"], Lines(rules));
    }

    [Fact]
    public void RawBytes_AreKept()
    {
        var entry = new PathEntry(RawPath.FromBytes("/data/caf"u8.ToArray().Append((byte)0xE9).ToArray()), true);
        var rules = FilterRules.Create(Base, [entry]);

        byte[] expected = [.. "+ /caf"u8, 0xE9, (byte)'\n', .. "- /*\n"u8];
        Assert.Equal(expected, rules.Content);
    }

    [Fact]
    public void InvalidBatches_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => FilterRules.Create(Base, []));
        Assert.Throws<ArgumentException>(() => FilterRules.Create(Base, [E("/data/a", true), E("/data/b")]));
        Assert.Throws<ArgumentException>(() => FilterRules.Create(Base, [E("/elsewhere/a", true)]));
        // Non-recursive entries go in a --files-from list (rsync's --dirs), never by rules.
        Assert.Throws<ArgumentException>(() => FilterRules.Create(Base, [E("/data/a")]));
    }

    [Fact]
    public void Unsuitable_WhenAnEntryIsMissingOrNotADirectory_OrAnExtraOptionWouldActOnTheExclusions()
    {
        var root = Directory.CreateTempSubdirectory("filter-rules-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "dir"));
            File.WriteAllText(Path.Combine(root, "file"), "x");
            File.CreateSymbolicLink(Path.Combine(root, "link"), Path.Combine(root, "dir"));
            PathEntry At(string name) => E(Path.Combine(root, name), true);

            Assert.Null(FilterRules.Unsuitable([At("dir")], ["whole-file", "bwlimit:100"]));
            Assert.Contains("not a directory", FilterRules.Unsuitable([At("dir"), At("gone")], null), StringComparison.Ordinal);
            Assert.NotNull(FilterRules.Unsuitable([At("file")], null));
            Assert.NotNull(FilterRules.Unsuitable([At("link")], null));
            Assert.Contains("--delete-excluded", FilterRules.Unsuitable([At("dir")], ["delete-excluded"]), StringComparison.Ordinal);
            Assert.NotNull(FilterRules.Unsuitable([At("dir")], ["prune-empty-dirs"]));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
