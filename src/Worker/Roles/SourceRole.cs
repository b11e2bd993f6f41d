using System.Text;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Coordination;
using ZkSync.Worker.Rsync;
using ZkSync.Worker.Walk;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Roles;

/// <summary>
/// A transferring source (a <c>-S</c> that did not win the master lock): until the master says stop,
/// takes a batch of path entries of one kind, borrows any usable destination slot, runs rsync (up to
/// three attempts per path, one by one after a batch fails), reports each path to
/// <c>completedQueue</c> or <c>failedQueue</c>, adds the stats and consumes the entries. On stop it
/// kills its rsync and gives back what it holds; on a lost ZooKeeper session too, and exits non-zero.
/// </summary>
internal sealed partial class SourceRole(WorkerSession session, RsyncCapabilities capabilities, string? secret)
{
    private const int Attempts = 3;
    private const int DestinationRetries = 5;

    /// <summary>How long to look for a destination before giving the paths back (the original's 5 s TIME_OUT).</summary>
    private static readonly TimeSpan DestinationTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The original's wait while the base path is missing (CHECK_WAIT).</summary>
    private static readonly TimeSpan BasePathWait = TimeSpan.FromSeconds(20);

    private readonly ILogger _logger = session.LoggerFactory.CreateLogger<SourceRole>();
    private readonly Cli.ZkRsyncOptions _options = session.Options;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var ready = new ReadySignal(session, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Lost);
        _ = ready.Stopped.ContinueWith(_ => stop.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await ready.Present.WaitAsync(stop.Token).ConfigureAwait(false);
            await TransferUntilStoppedAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped: by the master, a signal, or a lost session (told apart below).
        }

        if (session.Lost.IsCancellationRequested)
        {
            LogSessionLost(_logger);
            return ExitCodes.Crash;
        }

        LogDone(_logger, session.WhoAmI);
        return ExitCodes.Success;
    }

    private async Task TransferUntilStoppedAsync(CancellationToken stop)
    {
        var paths = new BulkLockingQueue(session.Client, ZnodeLayout.PathQueue(session.Name), session.Recipes);
        var completed = new BulkLockingQueue(session.Client, ZnodeLayout.CompletedQueue(session.Name), session.Recipes);
        var failed = new BulkLockingQueue(session.Client, ZnodeLayout.FailedQueue(session.Name), session.Recipes);
        var destinations = new DestinationPicker(session);
        var stats = new SessionStats(session);
        var walker = new PathWalker(session.LoggerFactory.CreateLogger<PathWalker>());
        var transfer = new PathTransfer(_options, session.Name, capabilities, secret, walker, _logger);
        var sources = session.NewParty(ZnodeLayout.PartySources);

        while (!stop.IsCancellationRequested)
        {
            if (_options.VerifyPath && !_options.Netcat && !Directory.Exists(_options.RsyncPath))
            {
                LogBasePathMissing(_logger, _options.RsyncPath!);
                await Task.Delay(BasePathWait, stop).ConfigureAwait(false);
                continue;
            }

            var batchLimit = await BatchLimitAsync(paths, sources, stop).ConfigureAwait(false);
            var batch = await paths.TakeAsync(batchLimit, SameKind, null, null, stop).ConfigureAwait(false);
            LogTook(_logger, batch.Count, batchLimit);
            var work = new Batch(batch, _options.Netcat);
            var transferStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await TransferAsync(work, destinations, transfer, stats, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped mid-transfer: what is not done goes back to the queue.
                await paths.ReleaseAsync(work.Pending.Select(p => p.Item).ToList(), CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            // The original reports first, then consumes: a crash in between repeats a path, never loses one.
            await completed.PutManyAsync(work.Completed.Select(p => p.Item.Value).ToList(), ZnodeLayout.DefaultPriority, stop).ConfigureAwait(false);
            await failed.PutManyAsync(work.Failed.Select(p => p.Item.Value).ToList(), ZnodeLayout.DefaultPriority, stop).ConfigureAwait(false);
            if (work.Requeue.Count > 0)
            {
                await paths.PutManyAsync(work.Requeue.Select(p => p.Item.Value).ToList(), ZnodeLayout.RequeuePriority, stop).ConfigureAwait(false);
            }

            var reportStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            await paths.ConsumeAsync(work.Completed.Concat(work.Failed).Concat(work.Requeue).Select(p => p.Item).ToList(), stop).ConfigureAwait(false);
            LogTimings(_logger, System.Diagnostics.Stopwatch.GetElapsedTime(transferStarted, reportStarted).TotalMilliseconds, System.Diagnostics.Stopwatch.GetElapsedTime(reportStarted).TotalMilliseconds);
            if (work.Requeue.Count > 0)
            {
                // No destination: give others (and new destinations) a moment, as the original does.
                await Task.Delay(DestinationTimeout, stop).ConfigureAwait(false);
            }
        }
    }

    private async Task TransferAsync(Batch work, DestinationPicker destinations, PathTransfer transfer, SessionStats stats, CancellationToken stop)
    {
        var destinationErrors = 0;
        var together = work.Pending.Count > 1;
        while (work.Pending.Count > 0)
        {
            var slot = await destinations.AcquireAsync(DestinationTimeout, stop).ConfigureAwait(false);
            if (slot is null)
            {
                LogNoDestination(_logger, work.Pending.Count);
                work.RequeueAllPending();
                return;
            }

            var group = together ? work.Pending.ToList() : [work.Pending[0]];
            TransferResult result;
            try
            {
                result = await transfer.RunAsync(group.Select(p => p.Entry).ToList(), slot, session.WhoAmI, stop).ConfigureAwait(false);
            }
            finally
            {
                await destinations.ReleaseAsync(slot, CancellationToken.None).ConfigureAwait(false);
            }

            await stats.AddAsync(result.Stats, stop).ConfigureAwait(false);
            if (result.Succeeded)
            {
                work.Complete(group);
                continue;
            }

            if (result.IsDestinationError && destinationErrors < DestinationRetries)
            {
                destinationErrors++;
                destinations.Avoid(slot.WhoAmI, TimeSpan.FromSeconds(30));
                continue;
            }

            if (together)
            {
                // One rsync for many paths cannot say which failed: retry them one by one.
                together = false;
                continue;
            }

            var path = group[0];
            path.Attempts++;
            if (path.Attempts >= Attempts)
            {
                LogPathFailed(_logger, path.Entry.ToString());
                work.Fail(path);
                continue;
            }

            // Back off before the next attempt (the original waits 5 s).
            await Task.Delay(TimeSpan.FromSeconds(path.Attempts), stop).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How many entries to take at once: enough to amortise a process pair and a daemon connection over
    /// many small paths, few enough that every source gets a share (half the queue divided by the
    /// transferring sources, rounded up), and never more than <c>--batch</c>.
    /// </summary>
    private async Task<int> BatchLimitAsync(BulkLockingQueue paths, Party sources, CancellationToken stop)
    {
        if (_options.Batch <= 1)
        {
            return 1;
        }

        var queued = await paths.CountAsync(false, stop).ConfigureAwait(false);
        var transferring = Math.Max(1, await sources.CountAsync(stop).ConfigureAwait(false) - 1);
        return Math.Clamp((queued + (2 * transferring) - 1) / (2 * transferring), 1, _options.Batch);
    }

    /// <summary>Entries of one batch share their <c>rec</c> flag: one rsync is either recursive or not.</summary>
    private static bool SameKind(QueueItem first, QueueItem other) =>
        first.Value.Length > 0 && other.Value.Length > 0 && first.Value[0] == other.Value[0];

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transfer and report took {TransferMs:0} ms, consume {ConsumeMs:0} ms")]
    private static partial void LogTimings(ILogger logger, double transferMs, double consumeMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Took {Count} path(s) (batch limit {Limit})")]
    private static partial void LogTook(ILogger logger, int count, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Base path {Path} not available, waiting")]
    private static partial void LogBasePathMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No destination available: {Count} path(s) go back to the queue")]
    private static partial void LogNoDestination(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "There were issues with path {Path}!")]
    private static partial void LogPathFailed(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Lost the ZooKeeper session: rsync stopped, exiting")]
    private static partial void LogSessionLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "{WhoAmI} Ready")]
    private static partial void LogDone(ILogger logger, string whoAmI);

    /// <summary>One taken batch and where each of its paths stands.</summary>
    private sealed class Batch
    {
        public Batch(IReadOnlyList<QueueItem> items, bool raw)
        {
            foreach (var item in items)
            {
                if (raw && !PathEntry.TryDecode(item.Value, out _, out _))
                {
                    // netcat mode: the original queues plain numbers.
                    Pending.Add(new QueuedPath(item, new PathEntry(RawPath.FromBytes(item.Value), false)));
                }
                else if (PathEntry.TryDecode(item.Value, out var entry, out _))
                {
                    Pending.Add(new QueuedPath(item, entry));
                }
                else
                {
                    Failed.Add(new QueuedPath(item, new PathEntry(RawPath.FromString(Encoding.UTF8.GetString(item.Value) is { Length: > 0 } s ? s : "?"), false)));
                }
            }
        }

        public List<QueuedPath> Pending { get; } = [];

        public List<QueuedPath> Completed { get; } = [];

        public List<QueuedPath> Failed { get; } = [];

        public List<QueuedPath> Requeue { get; } = [];

        public void Complete(IEnumerable<QueuedPath> paths)
        {
            foreach (var path in paths.ToList())
            {
                Pending.Remove(path);
                Completed.Add(path);
            }
        }

        public void Fail(QueuedPath path)
        {
            Pending.Remove(path);
            Failed.Add(path);
        }

        public void RequeueAllPending()
        {
            Requeue.AddRange(Pending);
            Pending.Clear();
        }
    }

    private sealed class QueuedPath(QueueItem item, PathEntry entry)
    {
        public QueueItem Item { get; } = item;

        public PathEntry Entry { get; } = entry;

        public int Attempts { get; set; }
    }
}
