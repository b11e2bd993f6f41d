using System.Globalization;
using System.Security.Cryptography;
using Xunit.Sdk;

namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>
/// Compares two trees byte for byte and by metadata: raw names, kinds, file contents, permission bits
/// (setuid/setgid/sticky included), uid/gid, mtimes in seconds, symlink targets and hard-link groups
/// (the names sharing one inode inside the tree). Walks with libc and raw byte names, never follows
/// symlinks. Returns every difference, so a failing test says all that is wrong at once.
/// </summary>
public static class TreeVerifier
{
    /// <summary>All differences between <paramref name="source"/> and <paramref name="destination"/>; empty when identical.</summary>
    public static IReadOnlyList<string> Compare(string source, string destination, TreeComparison? comparison = null)
    {
        comparison ??= TreeComparison.Exact;
        var expected = Snapshot(source);
        var actual = Snapshot(destination);
        var differences = new List<string>();

        foreach (var (key, want) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var raw = RawName.FromKey(key);
            var shown = Shown(key);
            var absent = key.Length > 0 && comparison.ExpectAbsent?.Invoke(raw) == true;
            if (!actual.TryGetValue(key, out var got))
            {
                if (!absent)
                {
                    differences.Add($"missing in destination: {shown} ({Kind(want.Stat)})");
                }

                continue;
            }

            if (absent)
            {
                differences.Add($"must not have been copied: {shown} ({Kind(got.Stat)})");
                continue;
            }

            CompareEntry(shown, want, got, key.Length == 0, comparison, differences);
        }

        foreach (var (key, got) in actual.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!expected.ContainsKey(key) && comparison.IgnoreInDestination?.Invoke(RawName.FromKey(key)) != true)
            {
                differences.Add($"extra in destination: {Shown(key)} ({Kind(got.Stat)})");
            }
        }

        if (comparison.HardLinks)
        {
            CompareHardLinks(expected, actual, differences);
        }

        return differences;
    }

    /// <summary>Fails the test with every difference listed unless the trees are identical.</summary>
    public static void AssertIdentical(string source, string destination, TreeComparison? comparison = null)
    {
        var differences = Compare(source, destination, comparison);
        if (differences.Count > 0)
        {
            throw new XunitException(
                $"{destination} differs from {source} in {differences.Count} way(s):\n  " + string.Join("\n  ", differences));
        }
    }

    /// <summary>Every entry under <paramref name="root"/> (the root itself under the empty key), keyed by <see cref="RawName.Key"/>.</summary>
    public static IReadOnlyDictionary<string, TreeEntry> Snapshot(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var entries = new Dictionary<string, TreeEntry>(StringComparer.Ordinal);
        var rawRoot = RawName.Parse(root.TrimEnd('/'));
        Visit(rawRoot, [], entries);
        return entries;
    }

    private static void Visit(byte[] absolute, byte[] relative, Dictionary<string, TreeEntry> entries)
    {
        var stat = PosixFs.LStat(absolute) ?? throw new IOException($"vanished while walking: {RawName.Display(absolute)}");
        byte[]? target = null;
        string? digest = null;
        if (stat.IsSymbolicLink)
        {
            target = PosixFs.ReadLink(absolute);
        }
        else if (stat.IsRegular)
        {
            digest = Convert.ToHexString(SHA256.HashData(PosixFs.ReadFile(absolute)));
        }

        entries[RawName.Key(relative)] = new TreeEntry(relative, stat, target, digest);
        if (!stat.IsDirectory)
        {
            return;
        }

        foreach (var name in PosixFs.ListDirectory(absolute))
        {
            Visit(RawName.Join(absolute, name), relative.Length == 0 ? name : RawName.Join(relative, name), entries);
        }
    }

    private static void CompareEntry(string shown, TreeEntry want, TreeEntry got, bool isRoot, TreeComparison comparison, List<string> differences)
    {
        var w = want.Stat;
        var g = got.Stat;
        if (w.Type != g.Type)
        {
            differences.Add($"{shown}: kind {Kind(w)} in source, {Kind(g)} in destination");
            return;
        }

        if (isRoot && !comparison.RootMetadata)
        {
            return;
        }

        // Linux symlinks always have mode 0777; their owner and times are still compared.
        if (!w.IsSymbolicLink && w.Permissions != g.Permissions)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"{shown}: mode {w.Permissions:X} (octal {Octal(w.Permissions)}) in source, octal {Octal(g.Permissions)} in destination"));
        }

        if (comparison.Ownership && (w.Uid != g.Uid || w.Gid != g.Gid))
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"{shown}: owner {w.Uid}:{w.Gid} in source, {g.Uid}:{g.Gid} in destination"));
        }

        if (comparison.Mtimes && w.MtimeSeconds != g.MtimeSeconds)
        {
            differences.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{shown}: mtime {DateTimeOffset.FromUnixTimeSeconds(w.MtimeSeconds):u} in source, {DateTimeOffset.FromUnixTimeSeconds(g.MtimeSeconds):u} in destination"));
        }

        if (w.IsRegular && (w.Size != g.Size || want.ContentSha256 != got.ContentSha256))
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"{shown}: content differs ({w.Size} bytes in source, {g.Size} in destination)"));
        }

        if (w.IsSymbolicLink && !want.LinkTarget!.AsSpan().SequenceEqual(got.LinkTarget))
        {
            differences.Add($"{shown}: symlink target {RawName.Display(want.LinkTarget)} in source, {RawName.Display(got.LinkTarget)} in destination");
        }
    }

    private static void CompareHardLinks(IReadOnlyDictionary<string, TreeEntry> expected, IReadOnlyDictionary<string, TreeEntry> actual, List<string> differences)
    {
        var want = LinkGroups(expected);
        var got = LinkGroups(actual);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in want.Keys.Concat(got.Keys).Where(actual.ContainsKey).Where(expected.ContainsKey).OrderBy(k => k, StringComparer.Ordinal))
        {
            var w = want.GetValueOrDefault(key) ?? [key];
            var g = got.GetValueOrDefault(key) ?? [key];
            if (!w.SequenceEqual(g, StringComparer.Ordinal) && reported.Add(string.Join('\0', w)))
            {
                differences.Add($"{Shown(key)}: hard-link group {{{string.Join(", ", w.Select(Shown))}}} in source, {{{string.Join(", ", g.Select(Shown))}}} in destination");
            }
        }
    }

    /// <summary>Regular files sharing an inode with another name in the tree: key → sorted names of its group.</summary>
    private static Dictionary<string, string[]> LinkGroups(IReadOnlyDictionary<string, TreeEntry> entries)
    {
        var groups = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var group in entries.Where(e => e.Value.Stat.IsRegular).GroupBy(e => (e.Value.Stat.Device, e.Value.Stat.Inode)))
        {
            var names = group.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal).ToArray();
            if (names.Length > 1)
            {
                foreach (var name in names)
                {
                    groups[name] = names;
                }
            }
        }

        return groups;
    }

    private static string Shown(string key) => key.Length == 0 ? "(root)" : RawName.DisplayKey(key);

    private static string Octal(uint permissions) => Convert.ToString(permissions, 8).PadLeft(4, '0');

    private static string Kind(RawStat stat) => stat.Type switch
    {
        RawStat.Directory => "directory",
        RawStat.Regular => "file",
        RawStat.SymbolicLink => "symlink",
        RawStat.Fifo => "fifo",
        _ => string.Create(CultureInfo.InvariantCulture, $"type {stat.Type >> 12}"),
    };
}
