namespace ZkSync.Contracts;

/// <summary>
/// Why a session ended, machine-readable: the <c>reason</c> of <see cref="SessionSummaryDocument"/> (in
/// <c>--json-summary</c> and <c>S/summary</c>), which the operator copies into its status condition's reason.
/// </summary>
public static class SessionEndReason
{
    /// <summary>Every path was synced.</summary>
    public const string Completed = "completed";

    /// <summary>Some paths failed (every attempt) or were left unfinished for another cause than those below.</summary>
    public const string PathsFailed = "pathsFailed";

    /// <summary>The master was stopped (SIGTERM, Ctrl-C) before the queue was empty.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>No destination could take transfers: no space left (ENOSPC).</summary>
    public const string DestinationFull = "destinationFull";

    /// <summary>No destination could take transfers: read-only file system (EROFS).</summary>
    public const string DestinationReadOnly = "destinationReadOnly";

    /// <summary>No destination could take transfers: disk quota exceeded (EDQUOT).</summary>
    public const string QuotaExceeded = "quotaExceeded";

    /// <summary>The master lost its ZooKeeper session (expired, auth failed).</summary>
    public const string SessionLost = "sessionLost";

    /// <summary>Whether the session ended because no destination could take more (full, over quota, read-only).</summary>
    public static bool IsDestinationFault(string? reason) => reason is DestinationFull or DestinationReadOnly or QuotaExceeded;

    public static IReadOnlyList<string> All { get; } =
        [Completed, PathsFailed, Interrupted, DestinationFull, DestinationReadOnly, QuotaExceeded, SessionLost];
}
