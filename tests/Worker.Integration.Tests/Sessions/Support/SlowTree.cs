using ZkSync.Worker.Rsync;

namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>
/// A small tree with one path that takes a while: <c>slow/big.bin</c>, sent by a source started with
/// <see cref="SlowSourceArguments"/> (one path per rsync, <c>--bwlimit</c>), so a fault test can hit a worker
/// while that path is being transferred. At depth 1 the walk queues the base, then <c>a</c>, <c>b</c>,
/// <c>c-empty</c> and <c>slow</c>, in that order.
/// </summary>
public static class SlowTree
{
    /// <summary>Relative directory of the slow path.</summary>
    public const string SlowDirectory = "slow";

    /// <summary>The big file's name inside <see cref="SlowDirectory"/>.</summary>
    public const string BigFile = "big.bin";

    public const int Depth = 1;

    /// <summary>Builds the tree; <paramref name="bigFileBytes"/> and the slow source's bandwidth set how long the slow path takes.</summary>
    public static void Build(string root, int bigFileBytes)
    {
        new TreeBuilder(root)
            .File("top.txt", 10)
            .File("a/f1", 11)
            .File("a/sub/f2", 12)
            .File("b/f3", 13)
            .Directory("c-empty")
            .File($"{SlowDirectory}/{BigFile}", bigFileBytes)
            .File($"{SlowDirectory}/small.txt", 14)
            .Seal();
    }

    /// <summary>Source arguments that make the transfer slow: one path per rsync run and a bandwidth limit in KiB/s.</summary>
    public static IReadOnlyList<string> SlowSourceArguments(int bandwidthKiBPerSecond) =>
        ["--batch", "1", "--arbitopts", $"bwlimit:{bandwidthKiBPerSecond}"];

    /// <summary>The "is sending" log line of a source that started the slow path.</summary>
    public static Func<string, bool> SendingSlowPath(string sourceRoot) =>
        line => line.Contains("is sending", StringComparison.Ordinal)
            && line.Contains($"_{sourceRoot}/{SlowDirectory} to", StringComparison.Ordinal);

    /// <summary>True once rsync's temp file for the big file exists in the destination: data is flowing. It is in the
    /// destination's temporary directory (<c>.zkrsync-tmp/&lt;destination&gt;/</c>), or next to the file for a daemon
    /// that has none.</summary>
    public static bool TransferInProgress(string destinationRoot) =>
        TempFilesOfBigFile(Path.Combine(destinationRoot, SlowDirectory), $".{BigFile}.*", SearchOption.TopDirectoryOnly).Any()
        || TempFilesOfBigFile(Path.Combine(destinationRoot, RsyncCommandBuilder.TempRoot), $"{BigFile}.*", SearchOption.AllDirectories).Any();

    /// <summary>rsync names a temporary file <c>.name.XXXXXX</c> next to the file, <c>name.XXXXXX</c> in a temp dir.</summary>
    private static IEnumerable<string> TempFilesOfBigFile(string directory, string pattern, SearchOption search)
    {
        try
        {
            return Directory.Exists(directory) ? [.. Directory.EnumerateFiles(directory, pattern, search)] : [];
        }
        catch (DirectoryNotFoundException)
        {
            // Removed while listed.
            return [];
        }
    }

    /// <summary>rsync's temp files (<c>.name.XXXXXX</c>), which a receiver killed by SIGKILL leaves behind.</summary>
    public static bool IsRsyncTempFile(byte[] relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        var name = RawName.Key(relative).Split('/')[^1];
        return name.StartsWith('.') && name.Length > 8 && name[^7] == '.';
    }
}
