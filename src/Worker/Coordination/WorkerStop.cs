using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.ZooKeeper;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// Why a source or destination stopped, for its exit code. The master's <c>stop</c> ends the role's part in the session,
/// unless the master suspended the session (<c>--keep-session-on-stop</c>: <c>S/progress</c> says suspended): then the
/// role left a session that goes on later, as does a role stopped by a signal before the master said stop. Both exit
/// <see cref="ExitCodes.Stopped"/>, so a Job replaces the pod and the new one rejoins (a Job counts an exit 0 as done).
/// </summary>
internal static partial class WorkerStop
{
    /// <param name="session">The role's session, still a member of <c>allsd</c> (so the master cannot have resumed the
    /// session since it said stop: it waits for every worker to leave first).</param>
    /// <param name="readyStopped">The role's <see cref="ReadySignal.Stopped"/>.</param>
    /// <param name="signalled">Whether the role got SIGTERM or Ctrl-C.</param>
    /// <param name="otherwise">The cause when neither the master nor a signal stopped it.</param>
    public static async Task<StopCause> CauseAsync(WorkerSession session, Task readyStopped, bool signalled, StopCause otherwise)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(readyStopped);
        if (readyStopped.IsFaulted)
        {
            return StopCause.Fault;
        }

        if (readyStopped.IsCompletedSuccessfully)
        {
            if (!await IsSuspendedAsync(session).ConfigureAwait(false))
            {
                return StopCause.Finished;
            }

            LogLeft(session.LoggerFactory.CreateLogger(typeof(WorkerStop)), "the master suspended the session", ExitCodes.Stopped);
            return StopCause.Left;
        }

        if (signalled)
        {
            LogLeft(session.LoggerFactory.CreateLogger(typeof(WorkerStop)), "stopped by a signal", ExitCodes.Stopped);
            return StopCause.Left;
        }

        return otherwise;
    }

    private static async Task<bool> IsSuspendedAsync(WorkerSession session)
    {
        if (session.Lost.IsCancellationRequested)
        {
            return false; // a crash whatever the session's state (RoleOutcome)
        }

        try
        {
            return await session.ReadAsync(ZnodeLayout.Progress(session.Name), session.Lost).ConfigureAwait(false) is { } node
                   && SessionProgress.FromJson(node.Data)?.Suspended == true;
        }
        catch (Exception exception) when (exception is ZooKeeperException or OperationCanceledException)
        {
            return false; // the session was lost meanwhile: told by RoleOutcome
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Left the session before its end ({Why}): exiting {ExitCode}; run again to rejoin")]
    private static partial void LogLeft(ILogger logger, string why, int exitCode);
}
