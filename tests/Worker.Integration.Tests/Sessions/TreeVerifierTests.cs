using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Sessions;

/// <summary>The verifier the session tests rely on must see every kind of difference, or their passing means nothing.</summary>
public sealed class TreeVerifierTests : IDisposable
{
    private readonly ScratchDirectory _work = new("zkrsync-verifier-");
    private readonly string _source;
    private readonly string _copy;

    public TreeVerifierTests()
    {
        _source = _work.Subdirectory("source");
        _copy = Path.Combine(_work.Path, "copy");
        StandardTree.Build(_source, hardLinks: true);
    }

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Compare_ArchiveCopyOfTheStandardTree_ReportsNoDifference()
    {
        await ReferenceCopy.CreateAsync(_source, _copy);

        Assert.Empty(TreeVerifier.Compare(_source, _copy));
    }

    [Fact]
    public async Task Compare_DeliberatelyDifferentTree_ReportsEveryDifference()
    {
        await ReferenceCopy.CreateAsync(_source, _copy);
        var copy = new TreeBuilder(_copy);
        PosixFs.WriteFile(copy.PathOf("wide/d04/f1"), TreeBuilder.Content("other", 104), 0x1A4);   // content (same size)
        PosixFs.SetTimes(copy.PathOf("wide/d05/f1"), 1_000_000_000);                               // mtime
        PosixFs.ChangeMode(copy.PathOf("exec.sh"), 0x1A4);                                           // mode
        PosixFs.ChangeOwner(copy.PathOf("owned.dat"), 1234, 1);                                      // gid
        PosixFs.Unlink(copy.PathOf("links/to-file"));                                                 // symlink target
        PosixFs.Symlink(RawName.Parse("elsewhere.txt"), copy.PathOf("links/to-file"));
        PosixFs.Unlink(copy.PathOf(@"caf\xE9/\xFF\xFE.bin"));                                        // missing, non-UTF-8 name
        PosixFs.WriteFile(copy.PathOf(@"caf\xE9/extra\x80"), "x"u8, 0x1A4);                          // extra, non-UTF-8 name
        var b = copy.PathOf("deep/l1/l2/l3/hl/b");                                                    // hard link broken into a copy
        var content = PosixFs.ReadFile(b);
        PosixFs.Unlink(b);
        PosixFs.WriteFile(b, content, 0x1A4);
        var a = PosixFs.LStat(copy.PathOf("deep/l1/l2/l3/hl/a"))!.Value;
        PosixFs.SetTimes(b, a.MtimeSeconds);
        PosixFs.Unlink(copy.PathOf("specials/fifo"));                                                 // kind
        PosixFs.WriteFile(copy.PathOf("specials/fifo"), [], 0x1A0);
        foreach (var touched in new[] { "wide/d04/f1", @"caf\xE9", "links", "links/to-file", "deep/l1/l2/l3/hl", "specials", "specials/fifo" })
        {
            // Only the intended differences: put back the times the edits above changed as a side effect.
            PosixFs.SetTimes(copy.PathOf(touched), PosixFs.LStat(new TreeBuilder(_source).PathOf(touched))!.Value.MtimeSeconds);
        }

        var differences = TreeVerifier.Compare(_source, _copy);

        Assert.Collection(
            differences.Order(StringComparer.Ordinal),
            d => Assert.StartsWith("deep/l1/l2/l3/hl/a: hard-link group {deep/l1/l2/l3/hl/a, deep/l1/l2/l3/hl/b, deep/l1/l2/l3/hl/sub/c}", d, StringComparison.Ordinal),
            d => Assert.StartsWith("exec.sh: mode", d, StringComparison.Ordinal),
            d => Assert.Equal(@"extra in destination: caf\xE9/extra\x80 (file)", d),
            d => Assert.StartsWith("links/to-file: symlink target target.txt in source, elsewhere.txt", d, StringComparison.Ordinal),
            d => Assert.Equal(@"missing in destination: caf\xE9/\xFF\xFE.bin (file)", d),
            d => Assert.Equal("owned.dat: owner 1234:5678 in source, 1234:1 in destination", d),
            d => Assert.Equal("specials/fifo: kind fifo in source, file in destination", d),
            d => Assert.StartsWith("wide/d04/f1: content differs", d, StringComparison.Ordinal),
            d => Assert.StartsWith("wide/d05/f1: mtime", d, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compare_ExcludedEntriesThatWereCopied_AreReported()
    {
        await ReferenceCopy.CreateAsync(_source, _copy);

        var differences = TreeVerifier.Compare(_source, _copy, new TreeComparison { ExpectAbsent = StandardTree.ExcludedBySnapshotsRule(3) });

        Assert.Equal(
            [
                "must not have been copied: .snapshots/snap-1 (directory)",
                "must not have been copied: .snapshots/snap-1/top.txt (file)",
                "must not have been copied: wide/d01/.snapshots/hourly (directory)",
                "must not have been copied: wide/d01/.snapshots/hourly/f (file)",
            ],
            differences.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Snapshot_NamesThatAreNotUtf8_KeepTheirBytes()
    {
        var snapshot = TreeVerifier.Snapshot(_source);

        Assert.Contains(RawName.Key(RawName.Parse(@"caf\xE9/sub \xC3(/deeper/latin\xE9.txt")), snapshot.Keys);
        var link = snapshot[RawName.Key("links/raw-target"u8)];
        Assert.Equal(RawName.Parse(@"../caf\xE9"), link.LinkTarget);
    }
}
