using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Coordination;
using ZkSync.Worker.Walk;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Roles;

/// <summary><c>--pathsonly</c>: take the session lock, build the whole path queue, log how long that took
/// and how many paths it holds, delete it, release the lock (the original's <c>do_pathsonly</c>).</summary>
internal sealed partial class PathsOnlyRole(WorkerSession session, PathWalker walker)
{
    private const int PutChunk = 1000;
    private readonly ILogger _logger = session.LoggerFactory.CreateLogger<PathsOnlyRole>();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var sessionLock = session.NewLock(ZnodeLayout.Lock(session.Name), string.Empty);
        if (!await sessionLock.TryAcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            LogLocked(_logger);
            return new RoleOutcome(false, StopCause.Fault).ExitCode;
        }

        try
        {
            var paths = session.NewQueue(ZnodeLayout.PathQueue(session.Name));
            await session.DeleteRecursiveAsync(paths.Path, cancellationToken).ConfigureAwait(false);
            var started = session.Time.GetTimestamp();
            var chunk = new List<byte[]>(PutChunk);
            await foreach (var entry in walker.WalkAsync(session.Options.ToWalkOptions(), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                chunk.Add(entry.Encode());
                if (chunk.Count == PutChunk)
                {
                    await paths.PutManyAsync(chunk, KazooNames.DefaultPriority, cancellationToken).ConfigureAwait(false);
                    chunk.Clear();
                }
            }

            await paths.PutManyAsync(chunk, KazooNames.DefaultPriority, cancellationToken).ConfigureAwait(false);
            var seconds = session.Time.GetElapsedTime(started).TotalSeconds;
            var count = await paths.CountAsync(false, cancellationToken).ConfigureAwait(false);
            LogBuilt(_logger, session.Options.Depth, seconds, count);
            await session.DeleteRecursiveAsync(paths.Path, cancellationToken).ConfigureAwait(false);
            return RoleOutcome.Finished.ExitCode;
        }
        finally
        {
            await sessionLock.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "There is already a lock on the pathtree of this session")]
    private static partial void LogLocked(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Building with depth {Depth} took {Seconds} seconds walltime. there are {Count} paths in the Queue")]
    private static partial void LogBuilt(ILogger logger, int depth, double seconds, int count);
}
