using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Coordination;
using ZkSync.ZooKeeper;

namespace ZkSync.Worker.Roles;

/// <summary><c>--state</c>: exit 0 and log the remaining and failed counts while the session has paths
/// queued, else exit 14 (the original's <c>get_state</c>). Reads only; creates nothing.</summary>
internal sealed partial class StateRole(WorkerSession session)
{
    private readonly ILogger _logger = session.LoggerFactory.CreateLogger<StateRole>();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        // Reading the session node asks its ACL (an exists or a count does not): credentials it refuses are said so
        // (NoAuth, exit 2), not taken for "no session".
        if (await session.ReadAsync(ZnodeLayout.Session(session.Name), cancellationToken).ConfigureAwait(false) is null)
        {
            LogNoSession(_logger);
            return ExitCodes.NoSuchSession;
        }

        var remaining = await CountAsync(ZnodeLayout.QueueEntriesPath(ZnodeLayout.PathQueue(session.Name)), cancellationToken).ConfigureAwait(false);
        if (remaining > 0)
        {
            var failed = await CountAsync(ZnodeLayout.QueueEntriesPath(ZnodeLayout.FailedQueue(session.Name)), cancellationToken).ConfigureAwait(false);
            LogRemaining(_logger, remaining, failed);
            return ExitCodes.Success;
        }

        LogNoSession(_logger);
        return ExitCodes.NoSuchSession;
    }

    private async Task<int> CountAsync(string entries, CancellationToken cancellationToken) =>
        (await session.ExistsAsync(entries, cancellationToken).ConfigureAwait(false))?.NumChildren ?? 0;

    [LoggerMessage(Level = LogLevel.Information, Message = "Remaining: {Remaining}, Failed: {Failed}")]
    private static partial void LogRemaining(ILogger logger, int remaining, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "No active session")]
    private static partial void LogNoSession(ILogger logger);
}
