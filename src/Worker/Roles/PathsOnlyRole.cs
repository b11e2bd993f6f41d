using System.Diagnostics;
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
        var sessionLock = new DistributedLock(session.Client, ZnodeLayout.Lock(session.Name), string.Empty, session.Recipes);
        if (!await sessionLock.TryAcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            LogLocked(_logger);
            return ExitCodes.Crash;
        }

        try
        {
            var paths = new BulkLockingQueue(session.Client, ZnodeLayout.PathQueue(session.Name), session.Recipes);
            await session.Client.DeleteRecursiveAsync(paths.Path, cancellationToken).ConfigureAwait(false);
            var started = Stopwatch.GetTimestamp();
            var chunk = new List<byte[]>(PutChunk);
            await foreach (var entry in walker.WalkAsync(session.Options.ToWalkOptions(), cancellationToken).ConfigureAwait(false))
            {
                chunk.Add(entry.Encode());
                if (chunk.Count == PutChunk)
                {
                    await paths.PutManyAsync(chunk, ZnodeLayout.DefaultPriority, cancellationToken).ConfigureAwait(false);
                    chunk.Clear();
                }
            }

            await paths.PutManyAsync(chunk, ZnodeLayout.DefaultPriority, cancellationToken).ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var count = await paths.CountAsync(false, cancellationToken).ConfigureAwait(false);
            LogBuilt(_logger, session.Options.Depth, seconds, count);
            await session.Client.DeleteRecursiveAsync(paths.Path, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
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
