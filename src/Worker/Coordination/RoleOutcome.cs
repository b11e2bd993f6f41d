using ZkSync.Contracts;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// How a role's run ended, and the one place that turns that into the process's exit code (and, for the master,
/// the session's end reason): a lost ZooKeeper session or a fault is a crash whatever else happened (a crashed
/// worker must never look like a finished Job); then failed or unfinished paths; then a role that left a session that is
/// not over (<see cref="ExitCodes.Stopped"/>: a Job replaces its pod, which rejoins); else success, also for a master that
/// ended the session on a signal with every path done.
/// </summary>
/// <param name="SessionLost">The ZooKeeper session expired or its authentication failed: the worker was fenced.</param>
/// <param name="Stop">Why it stopped.</param>
/// <param name="FailedPaths">Paths that failed every attempt (the master's count; 0 for other roles).</param>
/// <param name="UnfinishedPaths">Paths still queued when the session ended (the master's count; 0 for other roles).</param>
/// <param name="DestinationReason">The master ended the session because no destination could take transfers: the
/// <see cref="SessionEndReason"/> of the destinations' fault (full, over quota, read-only); null otherwise.</param>
internal readonly record struct RoleOutcome(bool SessionLost, StopCause Stop, long FailedPaths = 0, long UnfinishedPaths = 0, string? DestinationReason = null)
{
    public static RoleOutcome Lost => new(true, StopCause.Fault);

    public static RoleOutcome Finished => new(false, StopCause.Finished);

    public int ExitCode =>
        SessionLost || Stop == StopCause.Fault ? ExitCodes.Crash
        : FailedPaths + UnfinishedPaths > 0 || DestinationReason is not null ? ExitCodes.PathsFailed
        : Stop == StopCause.Left ? ExitCodes.Stopped
        : ExitCodes.Success;

    /// <summary>The <see cref="SessionEndReason"/> of a session whose master ended this way.</summary>
    public string Reason =>
        SessionLost ? SessionEndReason.SessionLost
        : DestinationReason is not null && Stop != StopCause.Fault ? DestinationReason
        : Stop is (StopCause.Signal or StopCause.Left) && UnfinishedPaths > 0 ? SessionEndReason.Interrupted
        : ExitCode is ExitCodes.Success or ExitCodes.Stopped ? SessionEndReason.Completed
        : SessionEndReason.PathsFailed;
}
