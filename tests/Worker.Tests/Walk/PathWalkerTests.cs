using System.Text;
using System.Text.RegularExpressions;
using ZkSync.Testing;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Tests.Walk;

public sealed class PathWalkerTests : IDisposable
{
    private static readonly Regex Snapshots = new(@"/\.snapshots(/.*|$)");
    private readonly TempTree _tree = new();
    private readonly ListLogger<PathWalker> _log = new();

    public PathWalkerTests()
    {
        // The original's test tree (test/depthwalk.py): each directory holds .snapshots and foofile.
        string[] dirs =
        [
            "a1", "b1", "c1", "a1/aa2", "a1/ab2", "a1/ac2", "b1/ba2", "b1/bb2", "a1/ab2/aa3",
            "a1/ab2/aa3/sub1", "a1/ab2/aa3/sub2", "a1/ab2/aa3/sub2/sub21", "a1/ab2/aa3/sub2/sub21/sub211",
            "a1/ab2/aa3/sub2/sub21/sub211/sub2112",
        ];
        foreach (var d in dirs)
        {
            _tree.MakeDirectories(d);
            _tree.MakeDirectories(d + "/.snapshots");
            _tree.WriteFile(d + "/foofile", string.Empty);
        }
    }

    public void Dispose() => _tree.Dispose();

    private PathWalker Walker => new(_log);

    private PathWalkOptions Options(int depth, params RSubPath[] subs) =>
        new(RawPath.FromString(_tree.Root), depth, Snapshots, null, subs);

    private List<(string, int)> Walk(PathWalkOptions options) =>
        Walker.Walk(options).Select(e => (Relative(e.Path), e.Recursive ? 1 : 0)).ToList();

    private string Relative(RawPath p) => "/tree" + p.ToString()[_tree.Root.Length..];

    [Fact]
    public void Walk_OriginalTestTreeDepth3_MatchesOriginalPathlist()
    {
        var expected = new[]
        {
            ("/tree", 0), ("/tree/c1", 0), ("/tree/b1", 0), ("/tree/a1", 0), ("/tree/b1/bb2", 0),
            ("/tree/b1/ba2", 0), ("/tree/a1/ac2", 0), ("/tree/a1/ab2", 0), ("/tree/a1/aa2", 0),
            ("/tree/a1/ab2/aa3", 1),
        };
        Assert.Equal(expected.Order(), Walk(Options(3)).Order());
    }

    [Fact]
    public void Walk_OrdersLikeOsWalkPreorderWithSortedSiblings()
    {
        var expected = new[]
        {
            ("/tree", 0), ("/tree/a1", 0), ("/tree/b1", 0), ("/tree/c1", 0),
            ("/tree/a1/aa2", 0), ("/tree/a1/ab2", 0), ("/tree/a1/ac2", 0),
            ("/tree/a1/ab2/aa3", 1),
            ("/tree/b1/ba2", 0), ("/tree/b1/bb2", 0),
        };
        Assert.Equal(expected, Walk(Options(3)));
    }

    [Fact]
    public void Walk_Depth1_MarksDirectChildrenRecursive()
    {
        Assert.Equal([("/tree", 0), ("/tree/a1", 1), ("/tree/b1", 1), ("/tree/c1", 1)], Walk(Options(1)));
    }

    [Fact]
    public void Walk_Depth0_QueuesOnlyTheBaseRecursively()
    {
        Assert.Equal([("/tree", 1)], Walk(Options(0)));
    }

    [Fact]
    public void Walk_WithSubpaths_MatchesOriginalPathlists()
    {
        var baseList = new List<(string, int)>
        {
            ("/tree", 0), ("/tree/c1", 0), ("/tree/b1", 0), ("/tree/a1", 0), ("/tree/b1/bb2", 0),
            ("/tree/b1/ba2", 0), ("/tree/a1/ac2", 0), ("/tree/a1/ab2", 0), ("/tree/a1/aa2", 0),
            ("/tree/a1/ab2/aa3", 0), ("/tree/a1/ab2/aa3/sub1", 0), ("/tree/a1/ab2/aa3/sub2", 0),
            ("/tree/a1/ab2/aa3/sub2/sub21", 0), ("/tree/a1/ab2/aa3/sub2/sub21/sub211", 1),
        };
        var sub1 = new RSubPath(3, "a1/ab2/aa3");
        Assert.Equal(baseList.Order(), Walk(Options(3, sub1)).Order());

        var withSub2 = baseList.Where(x => x.Item1 != "/tree/a1/ab2/aa3/sub2/sub21/sub211").ToList();
        withSub2.Add(("/tree/a1/ab2/aa3/sub2/sub21/sub211", 0));
        withSub2.Add(("/tree/a1/ab2/aa3/sub2/sub21/sub211/sub2112", 1));
        Assert.Equal(withSub2.Order(), Walk(Options(3, sub1, new RSubPath(3, "a1/ab2/aa3/sub2"))).Order());

        var deeper = withSub2.Where(x => x.Item1 != "/tree/a1/ab2/aa3/sub2/sub21/sub211/sub2112").ToList();
        deeper.Add(("/tree/a1/ab2/aa3/sub2/sub21/sub211/sub2112", 0));
        Assert.Equal(deeper.Order(), Walk(Options(3, sub1, new RSubPath(4, "a1/ab2/aa3/sub2"))).Order());
    }

    [Fact]
    public void Walk_WithSubpaths_AppendsNewEntriesAfterTheBaseListLikeTheOriginalDict()
    {
        var result = Walk(Options(3, new RSubPath(3, "a1/ab2/aa3")));
        Assert.Equal(("/tree", 0), result[0]);
        var baseCount = 10;
        Assert.Contains(("/tree/a1/ab2/aa3", 0), result.Take(baseCount));
        Assert.All(result.Skip(baseCount), e => Assert.StartsWith("/tree/a1/ab2/aa3/", e.Item1, StringComparison.Ordinal));
        Assert.Equal(result.Count, result.Distinct().Count());
    }

    [Fact]
    public void Walk_AbsoluteSubpathUnderBase_IsAccepted()
    {
        var result = Walk(Options(3, new RSubPath(3, _tree.Root + "/a1/ab2/aa3")));
        Assert.Contains(("/tree/a1/ab2/aa3/sub2/sub21/sub211", 1), result);
    }

    [Theory]
    [InlineData(3, "3_/a1/ab2/aa3")]
    [InlineData(2, "3_a1/ab2/aa3")]
    [InlineData(3, "1_a1")]
    public void Walk_InvalidSubpath_ThrowsBeforeAnyEntry(int depth, string sub)
    {
        Assert.True(RSubPath.TryParse(sub, out var parsed));
        var e = Assert.Throws<PathWalkException>(() => Walker.Walk(Options(depth, parsed)));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void Walk_SubpathsNotDeepestLast_Throws()
    {
        Assert.Throws<PathWalkException>(() =>
            Walker.Walk(Options(3, new RSubPath(3, "a1/ab2/aa3"), new RSubPath(3, "a1/ab2"))));
    }

    [Fact]
    public void Walk_SymlinkToDirectory_IsNeitherQueuedNorFollowed()
    {
        _tree.Symlink(Path.Combine(_tree.Root, "a1"), "link1");
        _tree.Symlink(Path.Combine(_tree.Root, "a1"), "b1/link2");
        var result = Walk(Options(3));
        Assert.DoesNotContain(result, e => e.Item1.Contains("link", StringComparison.Ordinal));
        Assert.Contains(_log.Entries, e => e.Message.Contains("directory symlink not added", StringComparison.Ordinal));
    }

    [Fact]
    public void Walk_ExcludeWithOwner_ExcludesOnlyPathsOwnedByThatUser()
    {
        _tree.MakeDirectories("d1/.snapshots/x");
        _tree.Chown("d1/.snapshots", 4242);
        _tree.Chown("d1/.snapshots/x", 4242);
        var options = new PathWalkOptions(RawPath.FromString(_tree.Root), 3, Snapshots, 0, []);
        var result = Walker.Walk(options).Select(e => Relative(e.Path)).ToList();
        Assert.Contains("/tree/d1/.snapshots", result); // owned by 4242, not root: kept
        Assert.Contains("/tree/d1/.snapshots/x", result);
        Assert.DoesNotContain("/tree/a1/.snapshots", result); // owned by root: excluded

        var byOther = options with { ExcludeUid = 4242 };
        var result2 = Walker.Walk(byOther).Select(e => Relative(e.Path)).ToList();
        Assert.DoesNotContain("/tree/d1/.snapshots", result2);
        Assert.Contains("/tree/a1/.snapshots", result2);
    }

    [Fact]
    public void Walk_NoExcludeRegex_QueuesSnapshots()
    {
        var options = new PathWalkOptions(RawPath.FromString(_tree.Root), 2);
        Assert.Contains(Walker.Walk(options), e => Relative(e.Path) == "/tree/a1/.snapshots" && e.Recursive);
    }

    [Fact]
    public void Walk_NonUtf8Names_KeepsRawBytes()
    {
        byte[] latin1 = [(byte)'c', (byte)'a', (byte)'f', 0xE9]; // "café" in Latin-1: not UTF-8
        _tree.MakeDirectories([.. "c1/"u8.ToArray(), .. latin1, .. "/inner"u8.ToArray()]);
        var entries = Walker.Walk(Options(3)).ToList();
        byte[] expected = [.. _tree.RootBytes, .. "/c1/"u8.ToArray(), .. latin1];
        var entry = Assert.Single(entries, e => e.Path.Bytes.SequenceEqual(expected));
        Assert.False(entry.Recursive);
        byte[] inner = [.. expected, .. "/inner"u8.ToArray()];
        Assert.Contains(entries, e => e.Path.Bytes.SequenceEqual(inner) && e.Recursive);
        Assert.EndsWith("caf\udce9", entry.Path.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Walk_NamesWithSpacesQuotesUnderscoresAndNewlines_AreQueued()
    {
        _tree.MakeDirectories("c1/a b'c\"d_e");
        _tree.MakeDirectories("c1/line\nbreak");
        var names = Walker.Walk(Options(2)).Select(e => Relative(e.Path)).ToList();
        Assert.Contains("/tree/c1/a b'c\"d_e", names);
        Assert.Contains("/tree/c1/line\nbreak", names);
    }

    [Fact]
    public void Walk_DeepTree_StopsAtDepthAndMarksOnlyThatLevelRecursive()
    {
        var deep = string.Join('/', Enumerable.Range(0, 40).Select(i => $"d{i}"));
        _tree.MakeDirectories("c1/" + deep);
        var entries = Walker.Walk(Options(10)).Where(e => Relative(e.Path).StartsWith("/tree/c1", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, entries.Count); // c1 + d0..d8 (levels 1..10)
        Assert.Single(entries, e => e.Recursive);
        Assert.Equal(11 - 1, entries.Single(e => e.Recursive).Path.SeparatorCount - RawPath.FromString(_tree.Root).SeparatorCount);
    }

    [Fact]
    public async Task WalkAsync_YieldsSameEntriesAsWalk()
    {
        var list = new List<PathEntry>();
        await foreach (var e in Walker.WalkAsync(Options(3)))
        {
            list.Add(e);
        }

        Assert.Equal(Walker.Walk(Options(3)), list);
    }

    [Fact]
    public async Task WalkAsync_IsLazy_ConsumerControlsPace()
    {
        await using var enumerator = Walker.WalkAsync(Options(3)).GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Equal(_tree.Root, enumerator.Current.Path.ToString());
        Assert.DoesNotContain(_log.Entries, e => e.Message.StartsWith("pathlist of path", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WalkAsync_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var unused in Walker.WalkAsync(Options(3), cancellationToken: cts.Token))
            {
            }
        });
    }

    [Fact]
    public async Task WalkAsync_InvalidSubpath_ThrowsOnFirstMove()
    {
        var stream = Walker.WalkAsync(Options(3, new RSubPath(3, "nope")));
        await Assert.ThrowsAsync<PathWalkException>(async () =>
        {
            await foreach (var unused in stream)
            {
            }
        });
    }

    [Fact]
    public void Walk_BaseIsNotADirectory_QueuesOnlyTheBase()
    {
        var missing = new PathWalkOptions(RawPath.FromString(_tree.Root + "/missing"), 3);
        Assert.Equal([new PathEntry(RawPath.FromString(_tree.Root + "/missing"), false)], Walker.Walk(missing));
    }

    [Fact]
    public void Walk_TrailingSlashOnBase_IsIgnored()
    {
        var options = new PathWalkOptions(RawPath.FromString(_tree.Root + "///"), 1, Snapshots);
        Assert.Equal(Encoding.UTF8.GetBytes(_tree.Root), Walker.Walk(options).First().Path.ToArray());
    }

    public static TheoryData<int, string[]> ResumeCases() => new()
    {
        { 3, [] },
        { 5, [] },
        { 4, ["4_a1/ab2/aa3"] },
        { 3, ["5_a1/ab2/aa3", "7_a1/ab2/aa3/sub2"] },
    };

    [Theory]
    [MemberData(nameof(ResumeCases))]
    public void Walk_ResumedAfterAnyEntry_YieldsExactlyTheEntriesThatFollowIt(int depth, string[] subPaths)
    {
        var options = Options(depth, [.. subPaths.Select(text => RSubPath.TryParse(text, out var sub) ? sub : throw new ArgumentException(text))]);
        var full = Walker.Walk(options).ToList();
        Assert.True(full.Count > 5);

        for (var i = 0; i < full.Count; i++)
        {
            var resumed = Walker.Walk(options, full[i]).ToList();
            Assert.Equal(full.Skip(i + 1), resumed);
        }
    }

    [Fact]
    public void Walk_ResumedAfterAnEntryThatNoLongerExists_ContinuesWhereItWouldHaveBeen()
    {
        var options = Options(3);
        var full = Walker.Walk(options).ToList();
        var cursor = full.Single(e => Relative(e.Path) == "/tree/a1/ab2");

        // Gone since the first walk (and a new sibling before it): the walk still continues after its place.
        Directory.Move(Path.Combine(_tree.Root, "a1/ab2"), Path.Combine(_tree.Root, "gone-ab2"));
        _tree.MakeDirectories("a1/aa1");
        var resumed = Walker.Walk(options, cursor).Select(e => Relative(e.Path)).ToList();

        Assert.Equal(
            ["/tree/a1/ac2", "/tree/b1/ba2", "/tree/b1/bb2"],
            resumed.Where(p => !p.Contains(".snapshots", StringComparison.Ordinal) && !p.Contains("gone", StringComparison.Ordinal)));
    }
}
