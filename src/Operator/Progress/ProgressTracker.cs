using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Operator.Runtime;
using ZkSync.Operator.ZooKeeper;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Operator.Progress;

/// <summary>
/// Follows the ZooKeeper session of each running pass: watches <c>S/watch/ready</c>, our master's <c>S/progress</c>
/// and <c>S/summary</c> (DataWatch: read with a watch, every change seen), and while no progress document exists
/// (an original master) counts the queues every progress interval. Each change updates the session's
/// <see cref="ZooKeeperObservation"/> and calls <c>onChange</c> with its key; the controller reads the observation
/// when it reconciles. ZooKeeper being away shows as the observation's error, and following resumes with back-off.
/// </summary>
public sealed partial class ProgressTracker : IAsyncDisposable
{
    private readonly ZooKeeperConnections _connections;
    private readonly Action<string> _onChange;
    private readonly TimeProvider _time;
    private readonly ILogger<ProgressTracker> _logger;
    private readonly ConcurrentDictionary<string, Followed> _followed = new(StringComparer.Ordinal);

    public ProgressTracker(ZooKeeperConnections connections, Action<string> onChange, TimeProvider time, ILogger<ProgressTracker> logger)
    {
        _connections = connections;
        _onChange = onChange;
        _time = time;
        _logger = logger;
        _connections.StateChanged += OnStateChanged;
    }

    public int Count => _followed.Count;

    /// <summary>Starts following a pass's session (nothing changes when it already follows that one).</summary>
    public void Follow(string key, string servers, string session, ZooKeeperCredentials credentials, TimeSpan pollInterval)
    {
        if (_followed.TryGetValue(key, out var current) && current.Session == session && current.Servers == servers)
        {
            return;
        }

        var followed = new Followed(session, servers, credentials, pollInterval);
        if (_followed.TryGetValue(key, out var previous))
        {
            previous.Stop.Cancel();
        }

        _followed[key] = followed;
        followed.Task = Task.Run(() => FollowAsync(key, followed, followed.Stop.Token));
    }

    public ZooKeeperObservation? Observation(string key) => _followed.TryGetValue(key, out var followed) ? followed.Observation : null;

    /// <summary>Whether it follows <paramref name="session"/> for <paramref name="key"/>.</summary>
    public bool IsFollowing(string key, string session) => _followed.TryGetValue(key, out var followed) && followed.Session == session;

    /// <summary>Reads the followed session's <c>S/summary</c> now, when the observation has none yet (or an interrupted
    /// master's, which a later master of the pass replaces). Our master writes
    /// it just before it exits, so its Job's end can reach the operator before the summary's watch does; the pass's
    /// record must come from the summary. Returns the observation after the read; ZooKeeper away or slow (beyond the
    /// session timeout): the observation as it was.</summary>
    public async Task<ZooKeeperObservation?> ReadSummaryAsync(string key, CancellationToken cancellationToken)
    {
        if (!_followed.TryGetValue(key, out var followed))
        {
            return null;
        }

        if (followed.Observation.Summary is { Reason: not SessionEndReason.Interrupted })
        {
            return followed.Observation;
        }

        using var deadline = new CancellationTokenSource(_connections.Settings.SessionTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var client = await _connections.GetAsync(followed.Servers, followed.Credentials, linked.Token).ConfigureAwait(false);
            var data = await client.GetDataAsync(ZnodeLayout.Summary(followed.Session), null, linked.Token).ConfigureAwait(false);
            if (SessionSummaryDocument.FromJson(data.Data) is { } summary)
            {
                Publish(key, followed, o => o with { Summary = summary });
            }
        }
        catch (NoNodeException)
        {
            // An original master, or ours ended without one (killed): the Jobs decide.
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSummaryReadFailed(_logger, followed.Session, e.Message);
        }

        return followed.Observation;
    }

    public async Task StopAsync(string key)
    {
        if (_followed.TryRemove(key, out var followed))
        {
            await followed.Stop.CancelAsync().ConfigureAwait(false);
            if (followed.Task is { } task)
            {
                await task.ConfigureAwait(false);
            }

            followed.Stop.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _connections.StateChanged -= OnStateChanged;
        foreach (var key in _followed.Keys.ToList())
        {
            await StopAsync(key).ConfigureAwait(false);
        }
    }

    private async Task FollowAsync(string key, Followed followed, CancellationToken cancellationToken)
    {
        var failures = 0;
        var session = followed.Session;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var client = await _connections.GetAsync(followed.Servers, followed.Credentials, cancellationToken).ConfigureAwait(false);
                Publish(key, followed, o => o with { Error = null });
                failures = 0;
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var watches = new[]
                {
                    WatchAsync(client, ZnodeLayout.Ready(session), s => o => o with { ReadyExists = o.ReadyExists || s.Exists }, key, followed, linked.Token),
                    WatchAsync(client, ZnodeLayout.Progress(session), s => o => o with { Progress = s.Data is null ? o.Progress : SessionProgress.FromJson(s.Data) ?? o.Progress }, key, followed, linked.Token),
                    WatchAsync(client, ZnodeLayout.Summary(session), s => o => o with { Summary = s.Data is null ? o.Summary : SessionSummaryDocument.FromJson(s.Data) ?? o.Summary }, key, followed, linked.Token),
                    CountQueuesAsync(client, key, followed, linked.Token),
                };
                var ended = await Task.WhenAny(watches).ConfigureAwait(false);
                await linked.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(watches.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
                await ended.ConfigureAwait(false); // rethrows what ended it
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                LogFollowFailed(_logger, session, failures, e.Message);
                Publish(key, followed, o => o with { Error = ErrorOf(e) });
                try
                {
                    await Task.Delay(BackoffPolicy.Watch.Delay(failures), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task WatchAsync(
        ZooKeeperClient client, string path, Func<NodeSnapshot, Func<ZooKeeperObservation, ZooKeeperObservation>> update,
        string key, Followed followed, CancellationToken cancellationToken)
    {
        var watch = new DataWatch(client, path);
        await foreach (var snapshot in watch.WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            Publish(key, followed, update(snapshot));
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new ConnectionLossException(path); // the client closed under us: follow again with a new one
    }

    private async Task CountQueuesAsync(ZooKeeperClient client, string key, Followed followed, CancellationToken cancellationToken)
    {
        while (true)
        {
            var observation = followed.Observation;
            if (observation.Progress is null && observation.Summary is null && observation.ReadyExists)
            {
                var counts = await ZooKeeperRetryPolicy.Default.ExecuteAsync(
                    token => QueueCounter.CountAsync(client, followed.Session, _time, token), cancellationToken).ConfigureAwait(false);
                if (followed.Observation.Progress is null && !SameCounts(observation.Queues, counts))
                {
                    Publish(key, followed, o => o with { Queues = counts });
                }
            }

            await Task.Delay(followed.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool SameCounts(QueueCounts? a, QueueCounts b) =>
        a is not null && a.Remaining == b.Remaining && a.Completed == b.Completed && a.Failed == b.Failed
        && a.Stats.Count == b.Stats.Count && a.Stats.All(s => b.Stats.TryGetValue(s.Key, out var v) && v == s.Value);

    private void Publish(string key, Followed followed, Func<ZooKeeperObservation, ZooKeeperObservation> update)
    {
        lock (followed)
        {
            var next = update(followed.Observation);
            if (next == followed.Observation)
            {
                return;
            }

            followed.Observation = next;
        }

        if (_followed.TryGetValue(key, out var current) && current == followed)
        {
            _onChange(key);
        }
    }

    private void OnStateChanged(string servers, ZooKeeperState state)
    {
        foreach (var (key, followed) in _followed)
        {
            if (followed.Servers != servers)
            {
                continue;
            }

            Publish(key, followed, o => o with
            {
                Error = state switch
                {
                    ZooKeeperState.Connected => null,
                    ZooKeeperState.Disconnected or ZooKeeperState.Connecting => $"disconnected from {servers}, reconnecting",
                    _ => $"session {state} on {servers}",
                },
            });
        }
    }

    private static string ErrorOf(Exception e) => e switch
    {
        ConnectionLossException => $"cannot reach ZooKeeper ({e.Message})",
        _ => e.Message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the summary of ZooKeeper session {Session} failed: {Error}; the Jobs decide how the pass ended")]
    private static partial void LogSummaryReadFailed(ILogger logger, string session, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following ZooKeeper session {Session} failed ({Failures} in a row): {Error}")]
    private static partial void LogFollowFailed(ILogger logger, string session, int failures, string error);

    private sealed class Followed(string session, string servers, ZooKeeperCredentials credentials, TimeSpan pollInterval)
    {
        public string Session { get; } = session;

        public string Servers { get; } = servers;

        public ZooKeeperCredentials Credentials { get; } = credentials;

        public TimeSpan PollInterval { get; } = pollInterval;

        public CancellationTokenSource Stop { get; } = new();

        public Task? Task { get; set; }

        public ZooKeeperObservation Observation { get; set; } = ZooKeeperObservation.Empty(session);
    }
}
