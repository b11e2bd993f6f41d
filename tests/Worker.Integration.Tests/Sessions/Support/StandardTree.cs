namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>
/// The generated tree the session tests sync: wide and deep directories, names with spaces, quotes,
/// <c>#</c>, underscores and bytes that are not UTF-8 (in names and a symlink target), symlinks to files and
/// directories and dangling ones, an absolute symlink, a FIFO, empty directories at several levels, files of
/// 0 bytes to a few hundred KiB, setuid/setgid/sticky and read-only modes, foreign owners, explicit old and
/// future mtimes, optional hard-link groups (kept below <c>deep/l1/l2/l3</c>, deeper than any tested depth, so each
/// group is synced by one rsync run: rsync cannot link names that different runs send), and <c>.snapshots</c> directories: root-owned ones (excluded by the default
/// <c>--excludere</c>/<c>--excl_usr</c>) at levels 1 and 3, and one owned by another user (copied).
/// </summary>
public static class StandardTree
{
    /// <summary>Root-owned <c>.snapshots</c> directories (relative), with the level they sit at.</summary>
    public static IReadOnlyList<(string Path, int Level)> RootOwnedSnapshots { get; } =
    [
        (".snapshots", 1),
        ("wide/d01/.snapshots", 3),
    ];

    /// <summary>Builds the tree under <paramref name="root"/> (which must exist and be empty) and seals its times.</summary>
    public static void Build(string root, bool hardLinks)
    {
        var tree = new TreeBuilder(root);
        tree.File("top.txt", "top of the tree\n"u8.ToArray())
            .File("empty.bin", 0)
            .File("exec.sh", "#!/bin/sh\necho hi\n"u8.ToArray(), mode: 0x1ED)
            .File("private.key", 33, mode: 0x180)
            .File("readonly.txt", 17, mode: 0x124)
            .File("setuid.bin", 10, mode: 0x9ED) // 04755
            .File("owned.dat", 100).Owner("owned.dat", 1234, 5678)
            .File("with space/file name.txt", 21)
            .File("with space/it's \"quoted\" & $HOME.txt", 22)
            .File("#hash dir/;semi file", 23)
            .File("1_under_score_/2_/x_", 24)
            .File(@"caf\xE9/\xFF\xFE.bin", 25)
            .File(@"caf\xE9/sub \xC3(/deeper/latin\xE9.txt", 26)
            .File("deep/l1/l2/l3/l4/l5/leaf.txt", 27)
            .File("deep/l1/l2/l3/l4/mid.txt", 4095)
            .Directory("deep/l1/l2/l3/l4/empty")
            .Directory("deep/l1/empty-at-2")
            .Directory("empty-top")
            .Directory("modes/sticky", 0x3FF) // 01777
            .Directory("modes/setgid", 0x5FD) // 02775
            .Directory("modes/private", 0x1C0) // 0700
            .File("modes/readonly-dir/inside.txt", 5)
            .Directory("modes/readonly-dir", 0x16D) // 0555
            .Directory("owned-dir").File("owned-dir/f", 3).Owner("owned-dir", 2000, 2001).Owner("owned-dir/f", 2000, 2001)
            .File("links/target.txt", 9)
            .Symlink("links/to-file", "target.txt")
            .Symlink("links/to-dir", "../deep/l1")
            .Symlink("links/dangling", "does/not/exist")
            .Symlink("links/absolute", "/etc/hostname")
            .Symlink(@"links/raw-target", @"../caf\xE9")
            .Symlink("links/owned", "target.txt").Owner("links/owned", 1234, 1235)
            .Fifo("specials/fifo", 0x1A0)
            .File("dated/old.txt", 30).Mtime("dated/old.txt", new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero))
            .File("dated/future.txt", 31).Mtime("dated/future.txt", new DateTimeOffset(2033, 4, 5, 6, 7, 8, TimeSpan.Zero))
            .Mtime("dated", new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero))
            .File(".snapshots/snap-1/top.txt", 40)
            .File("wide/d01/.snapshots/hourly/f", 41)
            .File("user-snaps/.snapshots/mine.txt", 42).Owner("user-snaps/.snapshots", 4321, 4321);

        int[] sizes = [0, 1, 4095, 4096, 4097, 65537];
        for (var i = 0; i < 10; i++)
        {
            var dir = $"wide/d{i:00}";
            tree.File($"{dir}/f0", sizes[i % sizes.Length]).File($"{dir}/f1", 100 + i);
        }

        tree.File("wide/d03/big.bin", 300 * 1024);
        tree.Directory(@"wide/\xC3(-invalid");

        if (hardLinks)
        {
            tree.File("deep/l1/l2/l3/hl/a", 500)
                .HardLink("deep/l1/l2/l3/hl/b", "deep/l1/l2/l3/hl/a")
                .HardLink("deep/l1/l2/l3/hl/sub/c", "deep/l1/l2/l3/hl/a")
                .File("deep/l1/l2/l3/hl/x", 501)
                .HardLink("deep/l1/l2/l3/hl/y", "deep/l1/l2/l3/hl/x");
        }

        tree.Seal();
    }

    /// <summary>
    /// What a session at <paramref name="depth"/> must not copy: the contents of root-owned <c>.snapshots</c>
    /// directories the walk reaches (level ≤ depth). The directory itself is created empty by its parent's
    /// non-recursive transfer; below the depth, rsync -r copies everything, as the original does.
    /// </summary>
    public static Func<byte[], bool> ExcludedBySnapshotsRule(int depth)
    {
        var prefixes = RootOwnedSnapshots.Where(s => s.Level <= depth).Select(s => RawName.Parse(s.Path + "/")).ToList();
        return relative => prefixes.Any(p => relative.AsSpan().StartsWith(p));
    }
}
