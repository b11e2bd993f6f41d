namespace ZkSync.Contracts;

/// <summary>
/// Process exit codes of <c>zkrsync</c>. The operator reads them from terminated Job pods, so a crashed
/// worker must never exit with <see cref="Success"/>.
/// </summary>
public static class ExitCodes
{
    /// <summary>The role finished and every path of the session was synced (for <c>--state</c>: a session is active).</summary>
    public const int Success = 0;

    /// <summary>Crash: an unexpected error, the ZooKeeper session was lost, or a previous run's leftovers were found.
    /// The original exits 1 on every error, so this keeps its meaning.</summary>
    public const int Crash = 1;

    /// <summary>Bad command line, environment or config file; nothing was started.</summary>
    public const int Usage = 2;

    /// <summary>The session ended, but some paths failed (3 attempts) or were left unfinished.</summary>
    public const int PathsFailed = 3;

    /// <summary>Stopped before the session ended, with nothing failed: a source or destination stopped by a signal (the
    /// session goes on without it), a master stopped by a signal with <c>--keep-session-on-stop</c> (the session is
    /// suspended in ZooKeeper), or a worker stopped because that master suspended the session. Run the same command
    /// again to rejoin or resume: the operator's worker Jobs replace such a pod (podFailurePolicy Ignore), so a
    /// deleted or evicted pod's session carries on; <c>zkrsync local</c> does not restart it (it was stopped on purpose).</summary>
    public const int Stopped = 4;

    /// <summary><c>--state</c>: there is no active session (no paths queued); same value as the original's
    /// <c>ZKRS_NO_SUCH_SESSION_EXIT_CODE</c>.</summary>
    public const int NoSuchSession = 14;

    /// <summary>One line per exit code, for help texts and documentation.</summary>
    public static IReadOnlyList<(int Code, string Meaning)> Descriptions { get; } =
    [
        (Success, "all paths of the session were synced (--state: a session is active)"),
        (Crash, "crash: unexpected error, lost ZooKeeper session, or leftovers of a crashed run"),
        (Usage, "usage error: bad option, value, environment variable or config file; nothing started"),
        (PathsFailed, "the session finished with failed or unfinished paths"),
        (Stopped, "stopped before the session ended (a signal, or the master suspended the session): run it again to rejoin or resume"),
        (NoSuchSession, "--state: no active session"),
    ];
}
