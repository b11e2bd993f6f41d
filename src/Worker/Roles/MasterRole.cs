using System.Diagnostics;
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
/// The master: the source that won <c>S/lock</c>. It creates <c>S/watch/ready</c> = <c>start</c>, rebuilds
/// <c>pathQueue</c> from the walk through a bounded window (transfers start while the walk goes on, and no
/// queue outgrows what a kazoo <c>LockingQueue.get</c> can list), drains <c>completedQueue</c> and
/// <c>failedQueue</c> as entries arrive, reports progress at a steady interval, and when the queue is
/// empty says <c>stop</c>, waits until it is alone in <c>allsd</c> and cleans up as the original does.
/// It does not transfer. A cancelled run (SIGTERM) stops feeding and ends the session the same way,
/// the rest of the queue reported as unfinished.
/// </summary>
internal sealed partial class MasterRole(WorkerSession session, DistributedLock sessionLock, PathWalker walker)
{
    private const int PutChunk = 1000;
    private const int FirstPutChunk = 16;

    /// <summary>The original's NC_RANGE: how many test entries <c>--netcat</c> queues.</summary>
    private const int NetcatEntries = 15;

    /// <summary>Below this many queued entries the master watches <c>pathQueue</c> itself (a cheap listing).</summary>
    private const int TailWatchThreshold = 1024;

    private readonly ILogger _logger = session.LoggerFactory.CreateLogger<MasterRole>();
    private readonly Cli.ZkRsyncOptions _options = session.Options;
    private readonly BulkLockingQueue _paths = new(session.Client, ZnodeLayout.PathQueue(session.Name), session.Recipes);
    private readonly BulkLockingQueue _completed = new(session.Client, ZnodeLayout.CompletedQueue(session.Name), session.Recipes);
    private readonly BulkLockingQueue _failed = new(session.Client, ZnodeLayout.FailedQueue(session.Name), session.Recipes);
    private readonly SessionStats _stats = new(session);
    private readonly List<string> _failedPaths = [];
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _queued;
    private long _completedCount;
    private long _failedCount;
    private bool _walkDone;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var client = session.Client;
        var ready = ZnodeLayout.Ready(session.Name);
        if (await client.ExistsAsync(ready, null, cancellationToken).ConfigureAwait(false) is not null)
        {
            return await RecoverFromCrashedRunAsync(cancellationToken).ConfigureAwait(false);
        }

        // Clear the previous run's queue before watch/ready lets the sources in: deleted after, it raced with
        // a source that had already ensured and was listing pathQueue/taken (NoNode, the source crashed).
        await client.DeleteRecursiveAsync(ZnodeLayout.PathQueue(session.Name), cancellationToken).ConfigureAwait(false);
        await client.EnsurePathAsync(ZnodeLayout.Watch(session.Name), session.Acl, cancellationToken).ConfigureAwait(false);
        await client.CreateAsync(ready, Encoding.UTF8.GetBytes(ZnodeLayout.ReadyStart), session.Acl, CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
        LogStarted(_logger, session.Name, _options.RsyncPath!, _options.Depth);

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, session.Lost);
        var interrupted = false;
        try
        {
            await FeedAndFollowAsync(run.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            interrupted = true;
        }

        if (session.Lost.IsCancellationRequested)
        {
            LogSessionLost(_logger);
            return ExitCodes.Crash;
        }

        if (interrupted)
        {
            LogInterrupted(_logger);
        }

        // Shutdown and cleanup run to the end even after a signal: leaving the tree half-deleted is worse.
        var finishing = session.Lost;
        await session.SetTextAsync(ready, ZnodeLayout.ReadyStop, finishing).ConfigureAwait(false);
        LogStopSent(_logger);
        await WaitUntilAloneAsync(finishing).ConfigureAwait(false);
        var summary = await CleanupAsync(finishing).ConfigureAwait(false);
        await WriteSummaryAsync(summary, finishing).ConfigureAwait(false);
        return summary.ExitCode;
    }

    /// <summary>The walk feeds the queue while at most <c>--window</c> entries are outstanding; completions
    /// are drained as they arrive; the loop sleeps only on a queue change or the progress tick.</summary>
    private async Task FeedAndFollowAsync(CancellationToken cancellationToken)
    {
        await using var walk = QueueEntriesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var nextProgress = Stopwatch.GetTimestamp();

        // Small first puts, so sources start while the walk goes on (a walk of 1,000 directories on a slow
        // file system takes a while); then bigger ones, fewer round trips.
        var putChunk = FirstPutChunk;
        while (true)
        {
            var completedChanged = _completed.ArmChangeSignal();
            var failedChanged = _failed.ArmChangeSignal();
            var pathsChanged = _paths.ArmChangeSignal();
            await DrainResultsAsync(cancellationToken).ConfigureAwait(false);

            var outstanding = await _paths.CountAsync(false, cancellationToken).ConfigureAwait(false);
            var fed = false;
            if (!_walkDone && outstanding < _options.Window)
            {
                var room = Math.Min(_options.Window - outstanding, putChunk);
                putChunk = Math.Min(putChunk * 2, PutChunk);
                var chunk = new List<byte[]>(room);
                while (chunk.Count < room)
                {
                    if (!await walk.MoveNextAsync().ConfigureAwait(false))
                    {
                        _walkDone = true;
                        break;
                    }

                    chunk.Add(walk.Current);
                }

                await _paths.PutManyAsync(chunk, ZnodeLayout.DefaultPriority, cancellationToken).ConfigureAwait(false);
                _queued += chunk.Count;
                outstanding += chunk.Count;
                fed = chunk.Count > 0;
                if (_walkDone)
                {
                    LogQueueBuilt(_logger, _queued);
                }
            }

            if (Stopwatch.GetTimestamp() >= nextProgress)
            {
                await ReportProgressAsync(outstanding, cancellationToken).ConfigureAwait(false);
                nextProgress = Stopwatch.GetTimestamp() + (long)(_options.ProgressInterval.TotalSeconds * Stopwatch.Frequency);
            }

            if (_walkDone && outstanding == 0)
            {
                await DrainResultsAsync(cancellationToken).ConfigureAwait(false);
                await ReportProgressAsync(0, cancellationToken, finished: true).ConfigureAwait(false);
                return;
            }

            if (fed && !_walkDone && outstanding < _options.Window)
            {
                continue;
            }

            // A source reports a path before consuming it, so near the end only pathQueue's own change
            // tells that the last entries are gone: watch it while its listing is cheap.
            if (outstanding <= TailWatchThreshold)
            {
                outstanding = await _paths.CountAsync(true, cancellationToken).ConfigureAwait(false);
                if (_walkDone && outstanding == 0)
                {
                    continue;
                }
            }

            var untilProgress = TimeSpan.FromSeconds(Math.Max(0, (double)(nextProgress - Stopwatch.GetTimestamp()) / Stopwatch.Frequency));
            await Task.WhenAny(completedChanged, failedChanged, pathsChanged, Task.Delay(untilProgress, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The walk's entries; with <c>--netcat</c> the original's test entries <c>0</c>..<c>14</c> instead.</summary>
    private async IAsyncEnumerable<byte[]> QueueEntriesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_options.Netcat)
        {
            for (var i = 0; i < NetcatEntries; i++)
            {
                yield return Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            yield break;
        }

        await foreach (var entry in walker.WalkAsync(_options.ToWalkOptions(), cancellationToken).ConfigureAwait(false))
        {
            yield return entry.Encode();
        }
    }

    private async Task DrainResultsAsync(CancellationToken cancellationToken)
    {
        foreach (var item in await _completed.DrainAsync(false, cancellationToken).ConfigureAwait(false))
        {
            _completedCount++;
            LogCompletedPath(_logger, DisplayOf(item.Value));
        }

        foreach (var item in await _failed.DrainAsync(false, cancellationToken).ConfigureAwait(false))
        {
            _failedCount++;
            var path = DisplayOf(item.Value);
            _failedPaths.Add(path);
            LogFailedPath(_logger, path);
        }
    }

    private async Task ReportProgressAsync(long outstanding, CancellationToken cancellationToken, bool finished = false)
    {
        var stats = await _stats.ReadAsync(cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(_started);
        var done = _completedCount + _failedCount;
        var bytes = stats["Total_transferred_file_size"];
        var rate = elapsed.TotalSeconds > 0 ? bytes / elapsed.TotalSeconds : 0;
        var eta = _walkDone && done > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds / done * outstanding) : (TimeSpan?)null;
        LogProgress(
            _logger,
            done,
            _walkDone ? _queued.ToString(System.Globalization.CultureInfo.InvariantCulture) : $">={_queued}",
            outstanding,
            _failedCount,
            bytes,
            (long)rate,
            eta?.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown");
        if (_options.ProgressFile is { } file)
        {
            var inFlight = (await session.Client.ExistsAsync(ZnodeLayout.QueueTakenPath(_paths.Path), null, cancellationToken).ConfigureAwait(false))?.NumChildren ?? 0;
            new ProgressReport(_queued, _walkDone, _completedCount, _failedCount, outstanding, inFlight, stats, elapsed.TotalSeconds, finished).WriteTo(file);
        }
    }

    /// <summary>Waits, on party changes, until this master is the only client left in <c>allsd</c>.</summary>
    private async Task WaitUntilAloneAsync(CancellationToken cancellationToken)
    {
        var everyone = session.NewParty(ZnodeLayout.PartyAll);
        await foreach (var members in everyone.WatchMembersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (members.Count <= 1)
            {
                return;
            }

            LogWaitingForClients(_logger, members.Count - 1);
        }
    }

    /// <summary>watch/ready exists: a previous master died. Alone in <c>allsd</c>, clean up its leftovers
    /// (as the original does); otherwise another run is going on. Either way this run ends with a crash code.</summary>
    private async Task<int> RecoverFromCrashedRunAsync(CancellationToken cancellationToken)
    {
        var members = await session.NewParty(ZnodeLayout.PartyAll).GetMembersAsync(cancellationToken).ConfigureAwait(false);
        if (members.Count <= 1)
        {
            LogCleaningCrashedRun(_logger, session.Name);
            await CleanupAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            LogReadyExists(_logger, ZnodeLayout.Ready(session.Name), members.Count);
            await sessionLock.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }

        return ExitCodes.Crash;
    }

    /// <summary>The original's <c>cleanup</c>: log and remove every queue, the stats and watch/ready, release the lock.</summary>
    private async Task<SessionSummary> CleanupAsync(CancellationToken cancellationToken)
    {
        var client = session.Client;
        long unfinished = 0;
        foreach (var item in await _paths.DrainAsync(true, cancellationToken).ConfigureAwait(false))
        {
            unfinished++;
            LogUnfinishedPath(_logger, DisplayOf(item.Value));
        }

        await client.DeleteRecursiveAsync(ZnodeLayout.DestQueue(session.Name), cancellationToken).ConfigureAwait(false);
        await client.DeleteRecursiveAsync(ZnodeLayout.PathQueue(session.Name), cancellationToken).ConfigureAwait(false);

        var stats = await _stats.ReadAsync(cancellationToken).ConfigureAwait(false);
        LogStats(_logger, JsonSerializer.Serialize(stats, SessionSummaryJsonContext.Default.IReadOnlyDictionaryStringInt64));
        await client.DeleteRecursiveAsync(ZnodeLayout.Stats(session.Name), cancellationToken).ConfigureAwait(false);

        await DrainResultsAsync(cancellationToken).ConfigureAwait(false);
        var output = new BulkLockingQueue(client, ZnodeLayout.OutputQueue(session.Name), session.Recipes);
        foreach (var item in await output.DrainAsync(true, cancellationToken).ConfigureAwait(false))
        {
            LogOutput(_logger, Encoding.UTF8.GetString(item.Value));
        }

        await client.DeleteRecursiveAsync(ZnodeLayout.CompletedQueue(session.Name), cancellationToken).ConfigureAwait(false);
        await client.DeleteRecursiveAsync(ZnodeLayout.FailedQueue(session.Name), cancellationToken).ConfigureAwait(false);
        await client.DeleteRecursiveAsync(ZnodeLayout.OutputQueue(session.Name), cancellationToken).ConfigureAwait(false);
        try
        {
            await client.DeleteAsync(ZnodeLayout.Ready(session.Name), -1, cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            // Already gone.
        }

        await sessionLock.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        LogCleanupDone(_logger);

        if (_options.DoneFile is { } doneFile)
        {
            DoneFile.Write(doneFile, unfinished, _failedCount, _completedCount, DateTimeOffset.UtcNow);
        }

        var exitCode = _failedCount + unfinished > 0 ? ExitCodes.PathsFailed : ExitCodes.Success;
        return new SessionSummary(
            session.Name, _completedCount, _failedCount, unfinished, [.. _failedPaths], stats,
            Math.Round(Stopwatch.GetElapsedTime(_started).TotalSeconds, 3), exitCode);
    }

    private async Task WriteSummaryAsync(SessionSummary summary, CancellationToken cancellationToken)
    {
        LogSummary(_logger, summary.PathsCompleted, summary.PathsFailed, summary.PathsUnfinished, summary.WallTimeSeconds);
        if (_options.JsonSummary is { } file)
        {
            await File.WriteAllTextAsync(file, summary.ToJson(int.MaxValue), cancellationToken).ConfigureAwait(false);
        }

        const string TerminationLog = "/dev/termination-log";
        if (File.Exists(TerminationLog))
        {
            try
            {
                await File.WriteAllTextAsync(TerminationLog, summary.ToJson(20), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                LogTerminationLogFailed(_logger, exception.Message);
            }
        }
    }

    private static string DisplayOf(byte[] entry) =>
        PathEntry.TryDecode(entry, out var decoded, out _) ? decoded.Path.ToString() : SurrogateEscape.Decode(entry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Master of session {Session}: syncing {Path} at depth {Depth}")]
    private static partial void LogStarted(ILogger logger, string session, string path, int depth);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "progress stats: {Stats}")]
    private static partial void LogStats(ILogger logger, string stats);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Output}")]
    private static partial void LogOutput(ILogger logger, string output);

    [LoggerMessage(Level = LogLevel.Information, Message = "watch set to stop")]
    private static partial void LogStopSent(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for {Count} other client(s) to leave")]
    private static partial void LogWaitingForClients(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleanup done: Lock, Queues and watch removed")]
    private static partial void LogCleanupDone(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {Session}: watch/ready exists and no other client is connected: a previous run crashed; cleaning up")]
    private static partial void LogCleaningCrashedRun(ILogger logger, string session);

    [LoggerMessage(Level = LogLevel.Error, Message = "watchnode {Path} already exists and {Count} clients are connected: another run is going on")]
    private static partial void LogReadyExists(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted: no more paths are queued; ending the session")]
    private static partial void LogInterrupted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Lost the ZooKeeper session: exiting")]
    private static partial void LogSessionLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Summary: {Completed} paths completed, {Failed} failed, {Unfinished} unfinished in {Seconds} s")]
    private static partial void LogSummary(ILogger logger, long completed, long failed, long unfinished, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write /dev/termination-log: {Reason}")]
    private static partial void LogTerminationLogFailed(ILogger logger, string reason);
}
