namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>Byte-for-byte comparison of two trees on the host: the same directories and files, the same contents and
/// permission bits, the same symbolic link targets.</summary>
public static class TreeAssert
{
    /// <param name="excluded">A relative path left out of the comparison on both sides, with everything under it.</param>
    public static void Identical(string source, string destination, string? excluded = null)
    {
        var expected = Entries(source, excluded);
        var actual = Entries(destination, excluded);
        var missing = expected.Keys.Except(actual.Keys, StringComparer.Ordinal).Take(10).ToList();
        var extra = actual.Keys.Except(expected.Keys, StringComparer.Ordinal).Take(10).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{destination} differs from {source}: missing [{string.Join(", ", missing)}], extra [{string.Join(", ", extra)}]");
        foreach (var (relative, kind) in expected)
        {
            Assert.True(kind == actual[relative], $"{relative}: {actual[relative]} in the destination, {kind} in the source");
            var from = Path.Combine(source, relative);
            var to = Path.Combine(destination, relative);
            if (kind == "file")
            {
                Assert.True(File.ReadAllBytes(from).AsSpan().SequenceEqual(File.ReadAllBytes(to)), $"{relative}: contents differ");
            }

            if (kind == "symlink")
            {
                Assert.Equal(new FileInfo(from).LinkTarget, new FileInfo(to).LinkTarget);
            }
            else
            {
                Assert.True(File.GetUnixFileMode(from) == File.GetUnixFileMode(to), $"{relative}: mode {File.GetUnixFileMode(to)}, source {File.GetUnixFileMode(from)}");
            }
        }
    }

    private static Dictionary<string, string> Entries(string root, string? excluded) =>
        new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(e => excluded is null || !IsUnder(Path.GetRelativePath(root, e.FullName), excluded))
            .ToDictionary(
                e => Path.GetRelativePath(root, e.FullName),
                e => e.LinkTarget is not null ? "symlink" : e is DirectoryInfo ? "directory" : "file",
                StringComparer.Ordinal);

    private static bool IsUnder(string relative, string excluded) =>
        relative == excluded || relative.StartsWith(excluded + "/", StringComparison.Ordinal);
}
