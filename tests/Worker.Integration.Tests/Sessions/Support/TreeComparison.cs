namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>What <see cref="TreeVerifier"/> compares. Relative paths are raw bytes (no leading <c>/</c>; the root is empty).</summary>
public sealed record TreeComparison
{
    public static TreeComparison Exact { get; } = new();

    /// <summary>Source entries that must NOT be in the destination (e.g. the contents of an excluded <c>.snapshots</c>);
    /// the verifier reports them if they were copied.</summary>
    public Func<byte[], bool>? ExpectAbsent { get; init; }

    /// <summary>Destination-only entries to ignore (e.g. rsync temp files a killed receiver left).</summary>
    public Func<byte[], bool>? IgnoreInDestination { get; init; }

    /// <summary>Compare hard-link groups (the sets of names sharing an inode within the tree).</summary>
    public bool HardLinks { get; init; } = true;

    /// <summary>Compare uid and gid.</summary>
    public bool Ownership { get; init; } = true;

    /// <summary>Compare modification times (whole seconds).</summary>
    public bool Mtimes { get; init; } = true;

    /// <summary>Compare the root directory's own mode, owner and mtime (its contents are always compared).</summary>
    public bool RootMetadata { get; init; } = true;
}
