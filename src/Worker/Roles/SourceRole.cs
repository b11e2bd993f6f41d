using System.Text;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Coordination;
using ZkSync.Worker.Rsync;
using ZkSync.Worker.Walk;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Roles;

/// <summary>
/// A transferring source (a <c>-S</c> that did not win the master lock): until the master says stop,
/// takes a batch of path entries of one kind, borrows any usable destination slot, runs rsync (up to
/// three attempts per path, one by one after a batch fails), reports each path to
/// <c>completedQueue</c> or <c>failedQueue</c>, adds the stats and consumes the entries. On stop it
/// kills its rsync and gives back what it holds; on a lost ZooKeeper session too, and exits non-zero.
/// Meanwhile it watches the session lock: when the master's lock node goes away (its ZooKeeper session ended)
/// while our master's session is unfinished, it tries the lock, and the one source that gets it stops
/// transferring (giving back what it holds) and becomes the master (<see cref="SourceEnd.Master"/>).
/// </summary>
internal sealed partial class SourceRole(WorkerSession session, RsyncCapabilities capabilities, string? secret, DistributedLock sessionLock)
{
    private const int Attempts = 3;
    private const int DestinationRetries = 5;

    /// <summary>How long a destination that reported itself full or read-only is skipped (it stays paused anyway).</summary>
    private static readonly TimeSpan CapacityAvoidance = TimeSpan.FromMinutes(10);

    /// <summary>How long to look for a destination before giving the paths back (the original's 5 s TIME_OUT).</summary>
    private static readonly TimeSpan DestinationTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a source that found every path taken lets others' claims and consumes settle before it lists the
    /// queue again (a put is then picked up this much later: the walk is behind, the batch the bigger for it).</summary>
    private static readonly TimeSpan AllTakenSettle = TimeSpan.FromMilliseconds(200);

    /// <summary>The original's wait while the base path is missing (CHECK_WAIT).</summary>
    private static readonly TimeSpan BasePathWait = TimeSpan.FromSeconds(20);

    private readonly ILogger _logger = session.LoggerFactory.CreateLogger<SourceRole>();
    private readonly Cli.ZkRsyncOptions _options = session.Options;
    private int _sources;
    private Task _sourcesChanged = Task.CompletedTask;

    public async Task<SourceEnd> RunAsync(CancellationToken cancellationToken)
    {
        await using var ready = new ReadySignal(session, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Lost);
        _ = ready.Stopped.ContinueWith(_ => stop.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var becameMaster = false;
        var watching = Task.CompletedTask;
        try
        {
            await ready.Present.WaitAsync(stop.Token).ConfigureAwait(false);
            watching = Task.Run(async () =>
            {
                if (await WatchForTakeoverAsync(stop.Token).ConfigureAwait(false))
                {
                    becameMaster = true;
                    await stop.CancelAsync().ConfigureAwait(false);
                }
            }, CancellationToken.None);
            await TransferUntilStoppedAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped: by the master, a signal, a lost session, a failed watch, or to become the master (told apart below).
        }

        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await watching.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ZooKeeperException)
        {
            // The lock watch ends with the role; a lost session is told below.
        }

        if (becameMaster && !session.Lost.IsCancellationRequested)
        {
            LogBecomingMaster(_logger, session.WhoAmI);
            return SourceEnd.Master;
        }

        var outcome = new RoleOutcome(
            session.Lost.IsCancellationRequested,
            await WorkerStop.CauseAsync(session, ready.Stopped, cancellationToken.IsCancellationRequested, StopCause.Finished).ConfigureAwait(false));
        if (outcome.SessionLost)
        {
            LogSessionLost(_logger);
        }
        else if (ready.Stopped.Exception is { } fault)
        {
            LogReadyFailed(_logger, fault.GetBaseException().Message);
        }
        else
        {
            LogDone(_logger, session.WhoAmI);
        }

        return SourceEnd.Exited(outcome.ExitCode);
    }

    /// <summary>
    /// Follows the contenders of <c>S/lock</c> (a child watch, so no poll): when none is left while our master's
    /// session is unfinished (<c>watch/ready</c> says <c>start</c>, <c>S/progress</c> exists), tries the lock. True
    /// when this source got it. An original master's session (no <c>S/progress</c>) keeps the original's behaviour:
    /// nobody takes over.
    /// </summary>
    private async Task<bool> WatchForTakeoverAsync(CancellationToken cancellationToken)
    {
        var lockPath = ZnodeLayout.Lock(session.Name);
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var children = await session.Retry.ExecuteAsync(
                token => session.Client.GetChildrenAsync(lockPath, _ => changed.TrySetResult(), token), cancellationToken).ConfigureAwait(false);
            if (!children.Children.Any(child => KazooNames.LockSequence(child) is not null) && await IsUnfinishedAsync(cancellationToken).ConfigureAwait(false))
            {
                LogMasterGone(_logger);
                if (await sessionLock.TryAcquireAsync(cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }

                // Another source got it first: follow the new master's lock node.
                continue;
            }

            await changed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private async Task<bool> IsUnfinishedAsync(CancellationToken cancellationToken) =>
        await session.ReadTextAsync(ZnodeLayout.Ready(session.Name), cancellationToken).ConfigureAwait(false) == ZnodeLayout.ReadyStart &&
        await MasterState.ExistsAsync(session, cancellationToken).ConfigureAwait(false);

    private async Task TransferUntilStoppedAsync(CancellationToken stop)
    {
        // Idle at the end of a session, woken by every claim and consume of the others: one listing per burst of them.
        var paths = session.NewQueue(ZnodeLayout.PathQueue(session.Name));
        paths.AllTakenSettle = AllTakenSettle;
        var completed = session.NewQueue(ZnodeLayout.CompletedQueue(session.Name));
        var failed = session.NewQueue(ZnodeLayout.FailedQueue(session.Name));
        var destinations = new DestinationPicker(session);
        var stats = new SessionStats(session);
        var transfer = new PathTransfer(_options, session.Name, capabilities, secret, session.Time, _logger);
        var sources = session.NewParty(ZnodeLayout.PartySources);
        await paths.EnsureAsync(stop).ConfigureAwait(false);
        await completed.EnsureAsync(stop).ConfigureAwait(false);
        await failed.EnsureAsync(stop).ConfigureAwait(false);

        // Our master keeps failure records (with rsync's error) under S/failures; an original master does not.
        var recordFailures = await MasterState.ExistsAsync(session, stop).ConfigureAwait(false);

        while (!stop.IsCancellationRequested)
        {
            if (_options.VerifyPath && !_options.Netcat && !Directory.Exists(_options.RsyncPath))
            {
                LogBasePathMissing(_logger, _options.RsyncPath!);
                await Task.Delay(BasePathWait, session.Time, stop).ConfigureAwait(false);
                continue;
            }

            var batchLimit = await BatchLimitAsync(paths, sources, stop).ConfigureAwait(false);
            var batch = await paths.TakeAsync(batchLimit, SameKind, null, null, stop).ConfigureAwait(false);
            LogTook(_logger, batch.Count, batchLimit);
            var work = new Batch(batch, _options.Netcat);
            var transferStarted = session.Time.GetTimestamp();
            try
            {
                await TransferAsync(work, destinations, transfer, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped mid-transfer: what is done is reported, what is not goes back to the queue.
                await stats.AddAsync(work.Stats, session.Lost).ConfigureAwait(false);
                await ReportAsync(work, paths, completed, failed, destinations, recordFailures).ConfigureAwait(false);
                await paths.ReleaseAsync(work.Pending.Select(p => p.Item).ToList(), session.Lost).ConfigureAwait(false);
                throw;
            }

            var reportStarted = session.Time.GetTimestamp();

            // One stats update per batch (not per rsync run), before the paths it counts are reported.
            await stats.AddAsync(work.Stats, session.Lost).ConfigureAwait(false);
            await ReportAsync(work, paths, completed, failed, destinations, recordFailures).ConfigureAwait(false);
            LogTimings(_logger, session.Time.GetElapsedTime(transferStarted, reportStarted).TotalMilliseconds, session.Time.GetElapsedTime(reportStarted).TotalMilliseconds);
            if (work.Requeue.Count > 0)
            {
                // No destination: give others (and new destinations) a moment, as the original does.
                await Task.Delay(DestinationTimeout, session.Time, stop).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reports each finished path (completed, failed with its error, or re-queued for lack of a destination) in the
    /// transaction that consumes its entry: reported exactly when consumed, whatever happens to the connection or this
    /// process in between. Seen through unless the session is lost: a stop must not throw away what was transferred.
    /// The destination slot of the batch's last rsync run goes back in the same transaction (one write less per batch).
    /// </summary>
    private async Task ReportAsync(
        Batch work, BulkLockingQueue paths, BulkLockingQueue completed, BulkLockingQueue failed, DestinationPicker destinations, bool recordFailures)
    {
        var reports = new Dictionary<string, IReadOnlyList<Op>>(StringComparer.Ordinal);
        foreach (var path in work.Completed)
        {
            reports[path.Item.Name] = completed.PutOps([path.Item.Value]);
        }

        foreach (var path in work.Failed)
        {
            reports[path.Item.Name] = recordFailures
                ? [.. failed.PutOps([path.Item.Value]), FailureRecordOp(path)]
                : failed.PutOps([path.Item.Value]);
        }

        foreach (var path in work.Requeue)
        {
            reports[path.Item.Name] = paths.PutOps([path.Item.Value], ZnodeLayout.RequeuePriority);
        }

        var slot = work.HeldSlot;
        work.HeldSlot = null;
        if (reports.Count == 0)
        {
            if (slot is not null)
            {
                await destinations.ReleaseAsync(slot, CancellationToken.None).ConfigureAwait(false);
            }

            return;
        }

        var done = work.Completed.Concat(work.Failed).Concat(work.Requeue).Select(p => p.Item).ToList();
        var release = slot is null ? null : destinations.ReleaseOps(slot);
        var carrier = release is null ? null : done[0].Name;
        IReadOnlyList<QueueItem> consumed;
        try
        {
            consumed = await paths.ConsumeAsync(
                done, item => item.Name == carrier ? [.. reports[item.Name], .. release!] : reports[item.Name], session.Lost).ConfigureAwait(false);
        }
        catch (ZooKeeperException exception) when (carrier is not null && exception is NoNodeException or BadVersionException)
        {
            // The slot's taken node was not as we made it (all or nothing: nothing happened): report without it.
            carrier = null;
            consumed = await paths.ConsumeAsync(done, item => reports[item.Name], session.Lost).ConfigureAwait(false);
        }

        if (slot is not null)
        {
            if (carrier is not null && consumed.Any(item => item.Name == carrier))
            {
                destinations.Released(slot);
            }
            else
            {
                await destinations.ReleaseAsync(slot, CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (consumed.Count < done.Count)
        {
            LogNotConsumed(_logger, done.Count - consumed.Count);
        }
    }

    private async Task TransferAsync(Batch work, DestinationPicker destinations, PathTransfer transfer, CancellationToken stop)
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
            catch
            {
                await destinations.ReleaseAsync(slot, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            work.Stats.Add(result.Stats);
            if (result.Succeeded && group.Count == work.Pending.Count)
            {
                // The batch's last run: its slot goes back with the batch's report.
                work.Complete(group);
                work.HeldSlot = slot;
                return;
            }

            await destinations.ReleaseAsync(slot, CancellationToken.None).ConfigureAwait(false);
            if (result.Succeeded)
            {
                work.Complete(group);
                continue;
            }

            foreach (var tried in group)
            {
                tried.LastError = result.Error;
            }

            if (result.CapacityError is { } full)
            {
                // Full, over quota or read-only: the destination's fault, not the paths'. It is paused (sources drop
                // it); the paths go to another destination, or back to the queue, never counted as failed.
                await new DestinationFaults(session).ReportAsync(
                    new DestinationFault(slot.WhoAmI, string.Empty, full.Reason, full.Line, null), own: false, stop).ConfigureAwait(false);
                destinations.Avoid(slot.WhoAmI, CapacityAvoidance);
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
            await Task.Delay(TimeSpan.FromSeconds(path.Attempts), session.Time, stop).ConfigureAwait(false);
        }
    }

    private Op FailureRecordOp(QueuedPath path) =>
        Op.Create(
            ZnodeLayout.FailureRecordPrefix(session.Name),
            new FailureRecord(path.Item.Value, path.LastError ?? "failed").ToBytes(),
            session.Acl,
            CreateMode.PersistentSequential);

    /// <summary>
    /// How many entries to take at once: enough to amortise a process pair, a daemon connection and the batch's
    /// ZooKeeper transactions (claim, destination, stats, consume: a handful whatever the batch's size) over many
    /// small paths, few enough that every source gets a share (the queue divided by the transferring sources,
    /// rounded up: shares shrink as the queue does, so the tail still spreads), and never more than <c>--batch</c>.
    /// </summary>
    private async Task<int> BatchLimitAsync(BulkLockingQueue paths, Party sources, CancellationToken stop)
    {
        if (_options.Batch <= 1)
        {
            return 1;
        }

        var queued = await paths.CountAsync(false, stop).ConfigureAwait(false);
        if (_sourcesChanged.IsCompleted)
        {
            // Read again only after the party changed (a child watch): one read less per batch.
            (_sources, _sourcesChanged) = await sources.CountWithChangeAsync(stop).ConfigureAwait(false);
        }

        var transferring = Math.Max(1, _sources - 1);
        return Math.Clamp((queued + transferring - 1) / transferring, 1, _options.Batch);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} path(s) were no longer ours to report (our taken node is gone): another source does them")]
    private static partial void LogNotConsumed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No destination available: {Count} path(s) go back to the queue")]
    private static partial void LogNoDestination(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "There were issues with path {Path}!")]
    private static partial void LogPathFailed(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Lost the ZooKeeper session: rsync stopped, exiting")]
    private static partial void LogSessionLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Could not follow watch/ready: {Reason}")]
    private static partial void LogReadyFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The master's lock is gone and the session is unfinished: trying to take over")]
    private static partial void LogMasterGone(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{WhoAmI} won the session lock: becoming the master")]
    private static partial void LogBecomingMaster(ILogger logger, string whoAmI);

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
                    Failed.Add(new QueuedPath(item, new PathEntry(RawPath.FromString(Encoding.UTF8.GetString(item.Value) is { Length: > 0 } s ? s : "?"), false))
                    {
                        LastError = $"not a path entry: {PathEntry.DisplayOf(item.Value)}",
                    });
                }
            }
        }

        public List<QueuedPath> Pending { get; } = [];

        public List<QueuedPath> Completed { get; } = [];

        public List<QueuedPath> Failed { get; } = [];

        public List<QueuedPath> Requeue { get; } = [];

        /// <summary>The destination slot of the batch's last run, given back with the batch's report.</summary>
        public DestinationSlot? HeldSlot { get; set; }

        /// <summary>rsync's figures of every run made for this batch, added to the session's stats once.</summary>
        public List<RsyncStats> Stats { get; } = [];

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

        /// <summary>rsync's error for the last failed attempt, one line.</summary>
        public string? LastError { get; set; }
    }
}
