using ZkSync.Worker.Cli;

namespace ZkSync.Worker.Rsync;

/// <summary>The session-wide rsync flags of sources (the original's <c>rsync_*</c> attributes).</summary>
public sealed record RsyncSourceSettings(
    bool Delete = false,
    bool Checksum = false,
    bool HardLinks = false,
    bool InPlace = false,
    bool DropCache = false,
    int Timeout = 0,
    bool Verbose = false,
    bool DryRun = false,
    IReadOnlyList<string>? ArbitOpts = null)
{
    /// <summary>From the parsed options.</summary>
    public static RsyncSourceSettings From(ZkRsyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RsyncSourceSettings(
            options.Delete, options.Checksum, options.HardLinks, options.InPlace, options.DropCache,
            options.Timeout, options.Verbose, options.DryRun, options.ArbitOpts);
    }
}
