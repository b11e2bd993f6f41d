using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Coordination;
using ZkSync.Worker.Walk;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Roles;

/// <summary>
/// The master: the source that holds <c>S/lock</c>. A fresh session: it creates <c>S/watch/ready</c> = <c>start</c>,
/// rebuilds <c>pathQueue</c> from the walk through a bounded window (transfers start while the walk goes on),
/// drains <c>completedQueue</c> and <c>failedQueue</c> as entries arrive, reports progress at a steady interval
/// (<c>S/progress</c>), and when the queue is empty says <c>stop</c>, waits until it is alone in <c>allsd</c> and
/// cleans up as the original does, leaving <c>S/summary</c>. It does not transfer. A cancelled run (SIGTERM)
/// stops feeding and ends the session the same way, the rest of the queue reported as unfinished; with
/// <c>--keep-session-on-stop</c> it suspends the session instead (workers stopped, nothing cleaned up), and a later
/// master of the same session resumes it. With <c>--run-once</c> a master that finds a finished run's summary (and no
/// <c>watch/ready</c>) ends with that run's result instead of starting the session again.
/// </summary>
/// <remarks>
/// Every queue change it makes is one transaction with the progress document that counts it (and, for puts,
/// the walk cursor: <see cref="MasterState"/>), so a master that takes the session over after this one's
/// ZooKeeper session ended (a source that was watching the lock, or this process restarted as a Job restarts
/// its pod) resumes where it stopped: the queue stays, the walk continues after the last entry queued, the
/// counts go on, and a session that was already ending is ended.
/// </remarks>
internal sealed partial class MasterRole(WorkerSession session, DistributedLock sessionLock, PathWalker walker)
{
    private const int PutChunk = 1000;
    private const int FirstPutChunk = 16;

    /// <summary>The original's NC_RANGE: how many test entries <c>--netcat</c> queues.</summary>
    private const int NetcatEntries = 15;

    /// <summary>Below this many queued entries the master watches <c>pathQueue</c> itself (a cheap listing).</summary>
    private const int TailWatchThreshold = 1024;

    /// <summary>The error recorded for a path an original source reported failed (it tells no error).</summary>
    private const string NoErrorReported = "no error reported (failed by an original zkrsync source)";

    private readonly ILogger _logger = session.LoggerFactory.CreateLogger<MasterRole>();
    private readonly Cli.ZkRsyncOptions _options = session.Options;
    private readonly BulkLockingQueue _paths = session.NewQueue(ZnodeLayout.PathQueue(session.Name));
    private readonly BulkLockingQueue _completed = session.NewQueue(ZnodeLayout.CompletedQueue(session.Name));
    private readonly BulkLockingQueue _failed = session.NewQueue(ZnodeLayout.FailedQueue(session.Name));
    private readonly SessionStats _stats = new(session);
    private readonly DestinationFaults _faults = new(session);
    private MasterState _state = null!;
    private bool _interrupted;

    /// <summary>Completes when <c>S/destfaults</c> changes (a destination reported itself full or read-only); a
    /// completed task means "check now".</summary>
    private Task _faultsChanged = Task.CompletedTask;
    private bool _anyFault;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var ready = ZnodeLayout.Ready(session.Name);
        var readyValue = await session.ReadTextAsync(ready, cancellationToken).ConfigureAwait(false);
        var ending = false;
        if (readyValue is null)
        {
            if (_options.RunOnce && await ReadSummaryAsync(cancellationToken).ConfigureAwait(false) is { } earlier)
            {
                LogAlreadyRan(_logger, session.Name, earlier.ExitCode);
                // Every source makes the session's shared nodes before it tries the lock (SessionSkeleton); the run's cleanup
                // had removed the stats and the queues among them.
                await session.DeleteTreesAsync(
                    [ZnodeLayout.Stats(session.Name), ZnodeLayout.DestQueue(session.Name), ZnodeLayout.CompletedQueue(session.Name), ZnodeLayout.FailedQueue(session.Name)],
                    session.Lost).ConfigureAwait(false);
                await WriteSummaryOutputsAsync(earlier, session.Lost).ConfigureAwait(false);
                return earlier.ExitCode;
            }

            await StartFreshAsync(ready, cancellationToken).ConfigureAwait(false);
        }
        else if (await MasterState.LoadAsync(session, cancellationToken).ConfigureAwait(false) is { } state)
        {
            _state = state;
            if (state.Progress.Suspended)
            {
                await ResumeAsync(ready, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await TakeOverAsync(cancellationToken).ConfigureAwait(false);
                ending = readyValue != ZnodeLayout.ReadyStart;
            }
        }
        else if (await ReadSummaryAsync(cancellationToken).ConfigureAwait(false) is { } finished)
        {
            // Our previous master had written its summary and was deleting the session's nodes: finish that.
            LogSummaryAlreadyWritten(_logger);
            await FinishAsync(finished, session.Lost).ConfigureAwait(false);
            await WriteSummaryOutputsAsync(finished, session.Lost).ConfigureAwait(false);
            return finished.ExitCode;
        }
        else
        {
            return await RecoverFromCrashedRunAsync(cancellationToken).ConfigureAwait(false);
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Lost);
        if (!ending)
        {
            try
            {
                await FeedAndFollowAsync(run.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (run.IsCancellationRequested)
            {
                _interrupted = cancellationToken.IsCancellationRequested;
            }
        }

        if (session.Lost.IsCancellationRequested)
        {
            LogSessionLost(_logger);
            return RoleOutcome.Lost.ExitCode;
        }

        if (_interrupted && _options.KeepSessionOnStop)
        {
            return await SuspendAsync(ready, session.Lost).ConfigureAwait(false);
        }

        if (_interrupted)
        {
            LogInterrupted(_logger);
        }

        // Shutdown and cleanup run to the end, through signals and connection loss (every step is retried until the
        // session is lost): a tree left half-deleted is worse, and a master that takes over finishes what is left.
        var finishing = session.Lost;
        await session.SetTextAsync(ready, ZnodeLayout.ReadyStop, finishing).ConfigureAwait(false);
        LogStopSent(_logger);
        await WaitUntilAloneAsync(finishing).ConfigureAwait(false);
        var summary = await CleanupAsync(finishing).ConfigureAwait(false);
        await WriteSummaryOutputsAsync(summary, finishing).ConfigureAwait(false);
        return summary.ExitCode;
    }

    /// <summary>A new session: clears the previous run's queue and our nodes, writes the first progress, then lets the
    /// workers in (watch/ready). Cleared before ready: a source that already listed pathQueue must not see it vanish.</summary>
    private async Task StartFreshAsync(string ready, CancellationToken cancellationToken)
    {
        await session.DeleteRecursiveAsync(ZnodeLayout.PathQueue(session.Name), cancellationToken).ConfigureAwait(false);
        foreach (var stale in new[]
        {
            ZnodeLayout.Progress(session.Name), ZnodeLayout.WalkCursor(session.Name), ZnodeLayout.Failures(session.Name), ZnodeLayout.Summary(session.Name),
            ZnodeLayout.DestFaults(session.Name),
        })
        {
            await session.DeleteRecursiveAsync(stale, cancellationToken).ConfigureAwait(false);
        }

        // The queue the sources wait for, made before they are let in (in one transaction with our other nodes: sources
        // that ensured it themselves would race us to it).
        await session.EnsureSessionNodesAsync(
            [ZnodeLayout.Watch(session.Name), ZnodeLayout.Failures(session.Name), _paths.TakenPath, _paths.EntriesPath], cancellationToken).ConfigureAwait(false);
        // Ready in the transaction that makes our state: the workers' way in is one flushed write after the queue, not three.
        _state = await MasterState.CreateAsync(session, [(ready, Encoding.UTF8.GetBytes(ZnodeLayout.ReadyStart))], cancellationToken).ConfigureAwait(false);
        LogStarted(_logger, session.Name, _options.RsyncPath!, _options.Depth);
    }

    /// <summary>The previous master's ZooKeeper session ended: take its session over where it stopped.</summary>
    private async Task TakeOverAsync(CancellationToken cancellationToken)
    {
        var previous = _state.Progress;
        LogTakeOver(
            _logger, session.Name, previous.Master, previous.PathsQueued, previous.WalkDone ? "done" : "under way",
            previous.PathsCompleted, previous.PathsFailed);
        await _state.CommitAsync([], previous with { Takeovers = previous.Takeovers + 1 }, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>--keep-session-on-stop</c> and a signal: the session is suspended, not ended. Marked suspended first (a master
    /// killed from here on leaves a session the next master resumes, not ends), then the workers are told to stop and
    /// are waited for (each gives back what it holds); <c>watch/ready</c> goes back to <c>start</c> for the workers of
    /// the resumed session, and the lock is released. No cleanup and no summary: the queue, the walk cursor, the
    /// failures and the counts stay. Exits <see cref="ExitCodes.Stopped"/> (as do the workers it stopped): the session is not
    /// over, and a Job replaces the pod.
    /// </summary>
    private async Task<int> SuspendAsync(string ready, CancellationToken cancellationToken)
    {
        var outstanding = await _paths.CountAsync(false, cancellationToken).ConfigureAwait(false);
        await _state.CommitAsync([], _state.Progress with { PathsRemaining = outstanding, Suspended = true }, null, cancellationToken).ConfigureAwait(false);
        await session.SetTextAsync(ready, ZnodeLayout.ReadyStop, cancellationToken).ConfigureAwait(false);
        LogStopSent(_logger);
        await WaitUntilAloneAsync(cancellationToken).ConfigureAwait(false);
        await session.SetTextAsync(ready, ZnodeLayout.ReadyStart, cancellationToken).ConfigureAwait(false);
        await sessionLock.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        var progress = _state.Progress;
        LogSuspended(_logger, session.Name, progress.PathsDone, progress.WalkDone ? progress.PathsQueued.ToString(CultureInfo.InvariantCulture) : $">={progress.PathsQueued}", outstanding);
        return new RoleOutcome(false, StopCause.Left).ExitCode;
    }

    /// <summary>A suspended session (<see cref="SuspendAsync"/>): resumed where it stopped, its workers let in again.</summary>
    private async Task ResumeAsync(string ready, CancellationToken cancellationToken)
    {
        var previous = _state.Progress;
        LogResuming(_logger, session.Name, previous.PathsQueued, previous.WalkDone ? "done" : "under way", previous.PathsCompleted, previous.PathsFailed);
        await _state.CommitAsync([], previous with { Suspended = false }, null, cancellationToken).ConfigureAwait(false);

        // A master killed while suspending left it at stop.
        await session.SetTextAsync(ready, ZnodeLayout.ReadyStart, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The walk feeds the queue while at most <c>--window</c> entries are outstanding; completions
    /// are drained as they arrive; the loop sleeps only on a queue change or the progress tick. A signal
    /// (<paramref name="cancellationToken"/>) stops it between queue changes, never in the middle of one: a change cut
    /// short might or might not have happened, and the counts must say which. The changes end only with the session.</summary>
    private async Task FeedAndFollowAsync(CancellationToken cancellationToken)
    {
        var writes = session.Lost;
        await _paths.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await using var walk = QueueEntriesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var progress = new ProgressSchedule(session.Time, _options.ProgressInterval);

        // Small first puts, so sources start while the walk goes on (a walk of 1,000 directories on a slow
        // file system takes a while); then bigger ones, fewer round trips.
        var putChunk = FirstPutChunk;
        while (true)
        {
            var completedChanged = _completed.ArmChangeSignal();
            var failedChanged = _failed.ArmChangeSignal();
            var pathsChanged = _paths.ArmChangeSignal();
            await DrainResultsAsync(last: false, writes).ConfigureAwait(false);

            var outstanding = await _paths.CountAsync(false, cancellationToken).ConfigureAwait(false);
            var fed = false;
            if (!_state.Progress.WalkDone && outstanding < _options.Window)
            {
                var room = Math.Min(_options.Window - outstanding, putChunk);
                putChunk = Math.Min(putChunk * 2, PutChunk);
                var chunk = new List<byte[]>(room);
                var walkEnded = false;
                while (chunk.Count < room)
                {
                    if (!await walk.MoveNextAsync().ConfigureAwait(false))
                    {
                        walkEnded = true;
                        break;
                    }

                    chunk.Add(walk.Current);
                }

                await PutAsync(chunk, walkEnded, writes).ConfigureAwait(false);
                outstanding += chunk.Count;
                fed = chunk.Count > 0;
                if (walkEnded)
                {
                    LogQueueBuilt(_logger, _state.Progress.PathsQueued);
                }
            }

            if (_faultsChanged.IsCompleted || (_anyFault && progress.IsDue))
            {
                if (await NoDestinationCanTakeMoreAsync(cancellationToken).ConfigureAwait(false))
                {
                    await DrainResultsAsync(last: true, writes).ConfigureAwait(false);
                    LogDestinationsUnavailable(_logger, outstanding);
                    return;
                }
            }

            if (progress.IsDue)
            {
                await ReportProgressAsync(outstanding, writes).ConfigureAwait(false);
                progress.Reported();
            }

            if (_state.Progress.WalkDone && outstanding == 0)
            {
                await DrainResultsAsync(last: true, writes).ConfigureAwait(false);
                await ReportProgressAsync(0, writes).ConfigureAwait(false);
                return;
            }

            if (fed && !_state.Progress.WalkDone && outstanding < _options.Window)
            {
                continue;
            }

            // A source reports a path in the transaction that consumes it; near the end only pathQueue's own change
            // tells that the last entries are gone: watch it while its listing is cheap.
            if (outstanding <= TailWatchThreshold)
            {
                outstanding = await _paths.CountAsync(true, cancellationToken).ConfigureAwait(false);
                if (_state.Progress.WalkDone && outstanding == 0)
                {
                    continue;
                }
            }

            await Task.WhenAny(completedChanged, failedChanged, pathsChanged, _faultsChanged, Task.Delay(progress.UntilDue, session.Time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Whether destinations reported themselves full, over quota or read-only (<c>S/destfaults</c>, followed with a child
    /// watch re-armed here) and none that says <c>active</c> is left: the session cannot go on, and ends now rather than
    /// have its sources hand the remaining paths round.
    /// </summary>
    private async Task<bool> NoDestinationCanTakeMoreAsync(CancellationToken cancellationToken)
    {
        if (_faultsChanged.IsCompleted)
        {
            // Not created here (a session without faults keeps the original's tree): an exists-watch tells its creation.
            var path = ZnodeLayout.DestFaults(session.Name);
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                var children = await session.Retry.ExecuteAsync(
                    token => session.Client.GetChildrenAsync(path, _ => changed.TrySetResult(), token), cancellationToken).ConfigureAwait(false);
                _anyFault = children.Children.Count > 0;
            }
            catch (NoNodeException)
            {
                _anyFault = false;
                if (await session.Retry.ExecuteAsync(token => session.Client.ExistsAsync(path, _ => changed.TrySetResult(), token), cancellationToken).ConfigureAwait(false) is not null)
                {
                    // Created between the two calls: look again next round.
                    changed.TrySetResult();
                }
            }

            _faultsChanged = changed.Task;
        }

        return _anyFault && !await _faults.AnyActiveAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The walk's entries after the cursor (all of them in a fresh session); with <c>--netcat</c> the
    /// original's test entries <c>0</c>..<c>14</c> instead (after those already queued).</summary>
    private async IAsyncEnumerable<byte[]> QueueEntriesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_options.Netcat)
        {
            for (var i = (int)_state.Progress.PathsQueued; i < NetcatEntries; i++)
            {
                yield return Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture));
            }

            yield break;
        }

        PathEntry? cursor = null;
        if (_state.Cursor.Length > 0)
        {
            cursor = PathEntry.Decode(_state.Cursor);
            LogResumingWalk(_logger, cursor.ToString());
        }

        await foreach (var entry in walker.WalkAsync(_options.ToWalkOptions(), cursor, cancellationToken).ConfigureAwait(false))
        {
            yield return entry.Encode();
        }
    }

    /// <summary>Puts walk entries, each transaction with the walk cursor (its last entry) and the count: never ahead or behind.</summary>
    private async Task PutAsync(List<byte[]> chunk, bool walkEnded, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            if (walkEnded)
            {
                await _state.CommitAsync([], _state.Progress with { WalkDone = true }, null, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // Each transaction also carries the cursor (one entry) and the progress document.
        var reserved = chunk.Max(entry => entry.Length) + _state.Progress.ToJsonBytes().Length + 4096;
        var groups = TransactionSize.Split(_paths.PutOps(chunk), reserved, reservedOperations: 2).ToList();
        var at = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            at += groups[g].Count;
            var last = g == groups.Count - 1;
            var next = _state.Progress with { PathsQueued = _state.Progress.PathsQueued + groups[g].Count, WalkDone = last && walkEnded };
            await _state.CommitAsync(groups[g], next, chunk[at - 1], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Counts and removes what sources reported: one transaction per chunk deletes the completed and failed entries,
    /// records the failures an original source reported (ours record theirs with the failure, error included) and
    /// writes the new counts.
    /// </summary>
    private async Task DrainResultsAsync(bool last, CancellationToken cancellationToken)
    {
        // Woken by any of three queues: one that was empty and has not changed since is not listed again (failedQueue
        // mostly stays empty: two listings less per wake, about a tenth of a session's requests); a change it misses is
        // drained at the next wake, and the last drain, before the final counts, lists both whatever their watches say.
        var completed = await _completed.PeekUnlessStillEmptyAsync(last, cancellationToken).ConfigureAwait(false);
        var failed = await _failed.PeekUnlessStillEmptyAsync(last, cancellationToken).ConfigureAwait(false);
        if (completed.Count + failed.Count == 0)
        {
            return;
        }

        if (failed.Count > 0)
        {
            // After the failed entries were read: a record our source wrote with an entry seen above is there now.
            await _state.RefreshFailuresAsync(cancellationToken).ConfigureAwait(false);
        }

        var reserved = _state.Progress.ToJsonBytes().Length + (SessionProgress.MaxListedFailures * FailureRecord.MaxErrorLength) + 8192;
        var batch = new List<(QueueItem Item, bool Failed, FailureRecord? NewRecord)>();
        var batchBytes = reserved;
        foreach (var (item, isFailed) in completed.Select(item => (item, false)).Concat(failed.Select(item => (item, true))))
        {
            var record = isFailed && !_state.HasFailureRecord(item.Value) ? new FailureRecord(item.Value, NoErrorReported) : null;
            var bytes = TransactionSize.Of(Op.Delete(ZnodeLayout.QueueEntriesPath(_completed.Path) + "/" + item.Name)) + (record is null ? 0 : TransactionSize.Of(_state.FailureRecordOp(record)));
            if (batch.Count > 0 && (batchBytes + bytes > TransactionSize.MaxBytes || batch.Count >= TransactionSize.MaxOperations / 2))
            {
                await CommitResultsAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
                batchBytes = reserved;
            }

            batch.Add((item, isFailed, record));
            batchBytes += bytes;
        }

        await CommitResultsAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    private async Task CommitResultsAsync(List<(QueueItem Item, bool Failed, FailureRecord? NewRecord)> batch, CancellationToken cancellationToken)
    {
        var operations = new List<Op>();
        operations.AddRange(_completed.DeleteOps(batch.Where(b => !b.Failed).Select(b => b.Item)));
        operations.AddRange(_failed.DeleteOps(batch.Where(b => b.Failed).Select(b => b.Item)));
        var newRecords = batch.Where(b => b.NewRecord is not null).Select(b => b.NewRecord!).ToList();
        operations.AddRange(newRecords.Select(_state.FailureRecordOp));
        var failedPaths = _state.FailedPaths(SessionProgress.MaxListedFailures)
            .Concat(newRecords.Select(record => new FailedPath(PathEntry.DisplayOf(record.Entry), record.Error)))
            .Take(SessionProgress.MaxListedFailures)
            .ToList();
        var completedCount = batch.Count(b => !b.Failed);
        var next = _state.Progress with
        {
            PathsCompleted = _state.Progress.PathsCompleted + completedCount,
            PathsFailed = _state.Progress.PathsFailed + (batch.Count - completedCount),
            FailedPaths = failedPaths,
        };
        try
        {
            await _state.CommitAsync(operations, next, null, cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException exception)
        {
            // Only the master drains these queues, so this is someone else's cleanup: count what is left next round.
            LogDrainRaced(_logger, exception.Message);
            return;
        }

        if (newRecords.Count > 0)
        {
            await _state.RefreshFailuresAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (item, isFailed, _) in batch)
        {
            if (isFailed)
            {
                LogFailedPath(_logger, PathEntry.DisplayOf(item.Value));
            }
            else
            {
                LogCompletedPath(_logger, PathEntry.DisplayOf(item.Value));
            }
        }
    }

    private async Task ReportProgressAsync(long outstanding, CancellationToken cancellationToken)
    {
        var stats = await _stats.ReadAsync(cancellationToken).ConfigureAwait(false);
        var inFlight = (await session.ExistsAsync(ZnodeLayout.QueueTakenPath(_paths.Path), cancellationToken).ConfigureAwait(false))?.NumChildren ?? 0;
        var elapsed = Elapsed();
        var next = _state.Progress with
        {
            PathsRemaining = outstanding,
            PathsInFlight = inFlight,
            Stats = stats,
            ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 3),
            FailedPaths = _state.FailedPaths(SessionProgress.MaxListedFailures),
        };
        await _state.CommitAsync([], next, null, cancellationToken).ConfigureAwait(false);

        var progress = _state.Progress;
        var bytes = stats["Total_transferred_file_size"];
        var rate = elapsed.TotalSeconds > 0 ? bytes / elapsed.TotalSeconds : 0;
        var eta = progress.WalkDone && progress.PathsDone > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds / progress.PathsDone * outstanding) : (TimeSpan?)null;
        LogProgress(
            _logger,
            progress.PathsDone,
            progress.WalkDone ? progress.PathsQueued.ToString(CultureInfo.InvariantCulture) : $">={progress.PathsQueued}",
            outstanding,
            progress.PathsFailed,
            bytes,
            (long)rate,
            eta?.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) ?? "unknown");
        if (_options.ProgressFile is { } file)
        {
            ProgressFile.Write(file, progress);
        }
    }

    /// <summary>Since the session started (its first master's start, kept in S/progress through takeovers).</summary>
    private TimeSpan Elapsed()
    {
        var started = _state.Progress.StartedAt ?? session.Time.GetUtcNow();
        var elapsed = session.Time.GetUtcNow() - started;
        return elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
    }

    /// <summary>Waits, on party changes, until this master is the only client left in <c>allsd</c>. Counts the member
    /// nodes (one listing per change), without reading every member's data as each worker leaves.</summary>
    private async Task WaitUntilAloneAsync(CancellationToken cancellationToken)
    {
        var everyone = session.NewParty(ZnodeLayout.PartyAll);
        while (true)
        {
            var (count, changed) = await everyone.CountWithChangeAsync(cancellationToken).ConfigureAwait(false);
            if (count <= 1)
            {
                return;
            }

            LogWaitingForClients(_logger, count - 1);
            try
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // As the party's member stream ends: quietly; what follows finds the session lost.
                return;
            }
        }
    }

    /// <summary>watch/ready exists without our master's state: an original master's run. Alone in <c>allsd</c>, clean up
    /// its leftovers (as the original does); otherwise another run is going on. Either way this run ends with a crash code.</summary>
    private async Task<int> RecoverFromCrashedRunAsync(CancellationToken cancellationToken)
    {
        var members = await session.NewParty(ZnodeLayout.PartyAll).GetMembersAsync(cancellationToken).ConfigureAwait(false);
        if (members.Count <= 1)
        {
            LogCleaningCrashedRun(_logger, session.Name);
            await DeleteSessionNodesAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            LogReadyExists(_logger, ZnodeLayout.Ready(session.Name), members.Count);
            await sessionLock.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }

        return new RoleOutcome(false, StopCause.Fault).ExitCode;
    }

    /// <summary>
    /// The original's <c>cleanup</c>, resumable: first the account (unfinished paths, the last results, the stats)
    /// goes to <c>S/summary</c>; then every queue, the stats, our nodes and watch/ready are deleted and the lock is
    /// released. A master that takes over a session whose summary is already written only finishes the deleting.
    /// </summary>
    private async Task<SessionSummaryDocument> CleanupAsync(CancellationToken cancellationToken)
    {
        SessionSummaryDocument summary;
        if (await ReadSummaryAsync(cancellationToken).ConfigureAwait(false) is { } previous)
        {
            LogSummaryAlreadyWritten(_logger);
            summary = previous;
        }
        else
        {
            summary = await AccountAsync(cancellationToken).ConfigureAwait(false);
            await session.CreateAsync(ZnodeLayout.Summary(session.Name), Encoding.UTF8.GetBytes(summary.ToJson()), CreateMode.Persistent, cancellationToken)
                .ConfigureAwait(false);
        }

        await FinishAsync(summary, cancellationToken).ConfigureAwait(false);
        return summary;
    }

    /// <summary>The summary a master of this session has written, if any (a new session deletes a stale one at start).</summary>
    private async Task<SessionSummaryDocument?> ReadSummaryAsync(CancellationToken cancellationToken) =>
        await session.ReadAsync(ZnodeLayout.Summary(session.Name), cancellationToken).ConfigureAwait(false) is { } written
            ? SessionSummaryDocument.FromJson(written.Data)
            : null;

    /// <summary>The end of the cleanup, after the summary: the session's nodes deleted, the lock released, the done-file.</summary>
    private async Task FinishAsync(SessionSummaryDocument summary, CancellationToken cancellationToken)
    {
        await DeleteSessionNodesAsync(cancellationToken).ConfigureAwait(false);
        LogCleanupDone(_logger);
        if (_options.DoneFile is { } doneFile)
        {
            DoneFile.Write(doneFile, summary.PathsUnfinished, summary.PathsFailed, summary.PathsCompleted, session.Time.GetUtcNow());
        }
    }

    /// <summary>The session's final account, from ZooKeeper (so it is the same whichever master makes it). Reads only,
    /// except for the last results drained.</summary>
    private async Task<SessionSummaryDocument> AccountAsync(CancellationToken cancellationToken)
    {
        long unfinished = 0;
        var unfinishedEntries = new List<byte[]>();
        foreach (var item in await _paths.PeekAsync(true, cancellationToken).ConfigureAwait(false))
        {
            unfinished++;
            unfinishedEntries.Add(item.Value);
            LogUnfinishedPath(_logger, PathEntry.DisplayOf(item.Value));
        }

        await DrainResultsAsync(last: true, cancellationToken).ConfigureAwait(false);
        var stats = await _stats.ReadAsync(cancellationToken).ConfigureAwait(false);
        LogStats(_logger, JsonSerializer.Serialize(stats, ContractsJsonContext.Default.IReadOnlyDictionaryStringInt64));
        // Only original sources (--netcat) fill outputQueue: read when there, never made just to be read and deleted.
        if (await session.ExistsAsync(ZnodeLayout.OutputQueue(session.Name), cancellationToken).ConfigureAwait(false) is not null)
        {
            foreach (var item in await session.NewQueue(ZnodeLayout.OutputQueue(session.Name)).PeekAsync(true, cancellationToken).ConfigureAwait(false))
            {
                LogOutput(_logger, Encoding.UTF8.GetString(item.Value));
            }
        }

        var progress = _state.Progress;

        // Ended for want of a destination that can take more (derived from what is recorded, so a master that takes
        // the ending over says the same).
        var faults = unfinished > 0 || !progress.WalkDone ? await _faults.ReadAllAsync(cancellationToken).ConfigureAwait(false) : [];
        var outcome = new RoleOutcome(
            false, _interrupted ? StopCause.Signal : StopCause.Finished, progress.PathsFailed, unfinished, faults.Count > 0 ? faults[0].Reason : null);
        var failures = _state.FailedPaths(int.MaxValue);
        var message = faults.Count > 0
            ? SummaryMessage.DestinationsUnavailable(faults, unfinished, SourceBytes(unfinishedEntries), progress.WalkDone)
            : SummaryMessage.For(outcome, progress.PathsCompleted, unfinished, failures, Elapsed());
        return new SessionSummaryDocument(
            session.Name,
            progress.PathsCompleted,
            progress.PathsFailed,
            unfinished,
            failures,
            stats,
            Math.Round(Elapsed().TotalSeconds, 3),
            outcome.ExitCode,
            outcome.Reason,
            message,
            session.Time.GetUtcNow())
        {
            Takeovers = progress.Takeovers,
        };
    }

    /// <summary>What the files of these path entries hold on the source: a recursive entry's whole tree, another's own files.</summary>
    private static long SourceBytes(IEnumerable<byte[]> entries)
    {
        long bytes = 0;
        foreach (var value in entries)
        {
            if (!PathEntry.TryDecode(value, out var entry, out _))
            {
                continue;
            }

            var sizes = new System.IO.Enumeration.FileSystemEnumerable<long>(
                entry.Path.ToString(),
                (ref System.IO.Enumeration.FileSystemEntry file) => file.IsDirectory ? 0 : file.Length,
                new EnumerationOptions { RecurseSubdirectories = entry.Recursive, IgnoreInaccessible = true, AttributesToSkip = 0 });
            try
            {
                bytes += sizes.Sum();
            }
            catch (IOException)
            {
                // Gone from the source since the walk: nothing to need.
            }
        }

        return bytes;
    }

    /// <summary>Deletes every queue, the stats, our progress nodes and watch/ready, and releases the lock with the last of
    /// them. Leaves <c>S/summary</c>.</summary>
    private async Task DeleteSessionNodesAsync(CancellationToken cancellationToken)
    {
        // Everyone else has left: one transaction (per size limit) instead of a flushed write per node.
        await session.DeleteTreesAndReleaseAsync(
            [
                ZnodeLayout.DestQueue(session.Name), ZnodeLayout.PathQueue(session.Name), ZnodeLayout.Stats(session.Name),
                ZnodeLayout.CompletedQueue(session.Name), ZnodeLayout.FailedQueue(session.Name), ZnodeLayout.OutputQueue(session.Name),
                ZnodeLayout.Progress(session.Name), ZnodeLayout.WalkCursor(session.Name), ZnodeLayout.Failures(session.Name),
                ZnodeLayout.DestFaults(session.Name), ZnodeLayout.Ready(session.Name),
            ],
            sessionLock,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteSummaryOutputsAsync(SessionSummaryDocument summary, CancellationToken cancellationToken)
    {
        LogSummary(_logger, summary.PathsCompleted, summary.PathsFailed, summary.PathsUnfinished, summary.WallTimeSeconds, summary.Message);
        if (SessionEndReason.IsDestinationFault(summary.Reason))
        {
            // What the user must fix, said once on stderr as every such error is.
            await Console.Error.WriteLineAsync($"zkrsync: error: {summary.Message}").ConfigureAwait(false);
        }

        if (_options.JsonSummary is { } file)
        {
            await File.WriteAllTextAsync(file, summary.ToJson(int.MaxValue), cancellationToken).ConfigureAwait(false);
        }

        const string TerminationLog = "/dev/termination-log";
        if (File.Exists(TerminationLog))
        {
            try
            {
                await File.WriteAllTextAsync(TerminationLog, summary.ToJson(SessionSummaryDocument.MaxTerminationLogFailures), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                LogTerminationLogFailed(_logger, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Master of session {Session}: syncing {Path} at depth {Depth}")]
    private static partial void LogStarted(ILogger logger, string session, string path, int depth);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Master of session {Session}: taking over from {Previous} (its ZooKeeper session ended): {Queued} paths queued, walk {Walk}, {Completed} completed, {Failed} failed")]
    private static partial void LogTakeOver(ILogger logger, string session, string previous, long queued, string walk, long completed, long failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {Session} suspended (--keep-session-on-stop): workers stopped, {Done} of {Total} paths done, {Left} left in the queue for the next master")]
    private static partial void LogSuspended(ILogger logger, string session, long done, string total, long left);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Master of session {Session}: resuming the suspended session: {Queued} paths queued, walk {Walk}, {Completed} completed, {Failed} failed")]
    private static partial void LogResuming(ILogger logger, string session, long queued, string walk, long completed, long failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming the walk after {Cursor}")]
    private static partial void LogResumingWalk(ILogger logger, string cursor);

    [LoggerMessage(Level = LogLevel.Information, Message = "pathqueue building finished: {Count} paths")]
    private static partial void LogQueueBuilt(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Progress: {Done} of {Total} paths done, {Left} left, {Failed} failed; {Bytes} bytes transferred at {Rate} bytes/s; ETA {Eta}")]
    private static partial void LogProgress(ILogger logger, long done, string total, long left, long failed, long bytes, long rate, string eta);

    [LoggerMessage(Level = LogLevel.Information, Message = "Completed Path {Path}")]
    private static partial void LogCompletedPath(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Failed Path {Path}")]
    private static partial void LogFailedPath(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unfinished Path {Path}")]
    private static partial void LogUnfinishedPath(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Results changed under the master ({Reason}): counted next round")]
    private static partial void LogDrainRaced(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "progress stats: {Stats}")]
    private static partial void LogStats(ILogger logger, string stats);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Output}")]
    private static partial void LogOutput(ILogger logger, string output);

    [LoggerMessage(Level = LogLevel.Information, Message = "watch set to stop")]
    private static partial void LogStopSent(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for {Count} other client(s) to leave")]
    private static partial void LogWaitingForClients(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "The summary is already written (a previous master was cleaning up): finishing the cleanup")]
    private static partial void LogSummaryAlreadyWritten(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {Session} already ran to its end (its summary is in ZooKeeper) and --run-once is given: not starting it again, exiting with that run's result ({ExitCode})")]
    private static partial void LogAlreadyRan(ILogger logger, string session, int exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleanup done: Lock, Queues and watch removed")]
    private static partial void LogCleanupDone(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {Session}: watch/ready exists and no other client is connected: a previous run crashed; cleaning up")]
    private static partial void LogCleaningCrashedRun(ILogger logger, string session);

    [LoggerMessage(Level = LogLevel.Error, Message = "watchnode {Path} already exists and {Count} clients are connected: another run is going on")]
    private static partial void LogReadyExists(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted: no more paths are queued; ending the session")]
    private static partial void LogInterrupted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "No destination can take more transfers (full, over quota or read-only): ending the session, {Outstanding} paths unfinished")]
    private static partial void LogDestinationsUnavailable(ILogger logger, long outstanding);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Lost the ZooKeeper session: exiting")]
    private static partial void LogSessionLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Summary: {Completed} paths completed, {Failed} failed, {Unfinished} unfinished in {Seconds} s: {Message}")]
    private static partial void LogSummary(ILogger logger, long completed, long failed, long unfinished, double seconds, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write /dev/termination-log: {Reason}")]
    private static partial void LogTerminationLogFailed(ILogger logger, string reason);
}
