using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Interop.Support;

/// <summary>
/// The tree the interop sessions sync: what the original itself gets right, at three levels (so depth 2
/// queues non-recursive and recursive entries): names with spaces, quotes, underscores and bytes that
/// are not UTF-8, symlinks, empty directories, modes, foreign owners and explicit mtimes. Left out: names
/// starting with <c>#</c> or <c>;</c> (the original's <c>--files-from</c> lists turn them into comments, so
/// it skips such directories) and names with a newline (which split its list).
/// </summary>
public static class InteropTree
{
    public static void Build(string root)
    {
        var tree = new TreeBuilder(root);
        tree.File("top.txt", 40)
            .File("with space/it's \"quoted\".txt", 21)
            .File("1_under_score_/2_/x_", 24)
            .File(@"caf\xE9/\xFF\xFE.bin", 25)
            .File(@"caf\xE9/sub \xC3(/deeper/latin\xE9.txt", 26)
            .File("deep/l1/l2/l3/leaf.txt", 4097)
            .Directory("deep/l1/empty")
            .Directory("empty-top")
            .Directory("modes/private", 0x1C0)
            .File("modes/private/f", 7, mode: 0x180)
            .File("owned/f", 3).Owner("owned/f", 1234, 5678)
            .File("links/target.txt", 9)
            .Symlink("links/to-file", "target.txt")
            .Symlink("links/to-dir", "../deep")
            .Symlink("links/dangling", "nowhere")
            .File("dated/old.txt", 30).Mtime("dated/old.txt", new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero));
        for (var i = 0; i < 8; i++)
        {
            tree.File($"wide/d{i}/f", 100 + i).File($"wide/d{i}/sub/g", 10 + i);
        }

        tree.Seal();
    }
}
