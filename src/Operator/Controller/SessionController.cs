using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Progress;
using ZkSync.Operator.Reconciliation;
using ZkSync.Operator.Runtime;
using ZkSync.Operator.ZooKeeper;

namespace ZkSync.Operator.Controller;

/// <summary>
/// One leadership term of the controller: watches sessions and the operator's Jobs and pods into caches, feeds a
/// fresh work queue (sessions by their key, Jobs and pods by their owner's), follows running passes in ZooKeeper,
/// and runs the reconcile workers until the term ends; everything (queue included) is dropped with it.
/// </summary>
public sealed partial class SessionController(
    IKubernetes kubernetes,
    ISessionCluster cluster,
    ZooKeeperConnections connections,
    SessionControllerSettings settings,
    IReadOnlyList<string> namespaces,
    int concurrency,
    WatchSettings watchSettings,
    OperatorHealth health,
    OperatorMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<SessionController>();

    /// <summary>How long a term's end waits for its watches to stop.</summary>
    private static readonly TimeSpan WatchStopGrace = TimeSpan.FromSeconds(5);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var queue = new WorkQueue(time);
        var sessions = new ResourceCache<V1Alpha1ZkRsyncSession>();
        var jobs = new ResourceCache<V1Job>(SessionReconciler.OwnerKey);
        var pods = new ResourceCache<V1Pod>(SessionReconciler.OwnerKey);
        await using var tracker = new ProgressTracker(connections, queue.Add, time, loggerFactory.CreateLogger<ProgressTracker>());
        var znodes = new SessionZnodes(connections, connections.Settings.SessionTimeout, time, loggerFactory.CreateLogger<SessionZnodes>());
        await using var events = new SessionEventRecorder(cluster, time, loggerFactory.CreateLogger<SessionEventRecorder>());
        var reconciler = new SessionReconciler(cluster, sessions, jobs, pods, tracker, znodes, events, settings, metrics, time, loggerFactory.CreateLogger<SessionReconciler>());

        void EnqueueOwner(IKubernetesObject<V1ObjectMeta> item)
        {
            if (SessionReconciler.OwnerKey(item) is { } key)
            {
                queue.Add(key);
            }
        }

        var watchers = new List<(Task Synced, Func<CancellationToken, Task> Run)>();
        foreach (var ns in namespaces.Count == 0 ? [null] : namespaces.Select(n => (string?)n))
        {
            var sessionWatcher = new ResourceWatcher<V1Alpha1ZkRsyncSession>(KubernetesResourceClients.Sessions(kubernetes), ns, null, sessions,
                s => queue.Add(ResourceCache<V1Alpha1ZkRsyncSession>.KeyOf(s)), watchSettings, time, loggerFactory.CreateLogger<ResourceWatcher<V1Alpha1ZkRsyncSession>>());
            var jobWatcher = new ResourceWatcher<V1Job>(KubernetesResourceClients.Jobs(kubernetes), ns, SessionNames.ManagedSelector, jobs,
                EnqueueOwner, watchSettings, time, loggerFactory.CreateLogger<ResourceWatcher<V1Job>>(), CachedJob.Trim);
            var podWatcher = new ResourceWatcher<V1Pod>(KubernetesResourceClients.Pods(kubernetes), ns, SessionNames.ManagedSelector, pods,
                EnqueueOwner, watchSettings, time, loggerFactory.CreateLogger<ResourceWatcher<V1Pod>>());
            watchers.Add((sessionWatcher.Synced, sessionWatcher.RunAsync));
            watchers.Add((jobWatcher.Synced, jobWatcher.RunAsync));
            watchers.Add((podWatcher.Synced, podWatcher.RunAsync));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = watchers.Select(w => Task.Run(() => w.Run(stop.Token), CancellationToken.None)).ToList();
        try
        {
            // Reconcile only once every cache is filled: a session must not be judged on Jobs not yet listed.
            await Task.WhenAll(watchers.Select(w => w.Synced)).WaitAsync(stop.Token).ConfigureAwait(false);
            health.Synced = true;

            // Every listed session is queued by its watcher's list (this term's queue is new): a new leader reconciles
            // each, also one whose pass ended while no one led (its Jobs complete, its status still Running).
            LogSynced(_logger, sessions.Count, jobs.Count, pods.Count, queue.Depth);
            var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => WorkAsync(queue, reconciler, stop.Token), CancellationToken.None)).ToList();
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            health.Synced = false;
            queue.ShutDown();
            await stop.CancelAsync().ConfigureAwait(false);

            // The next term must not wait on this one: a watch stream the server keeps open without a line may notice
            // the cancellation only at its timeout. Its caches and queue die with this term either way.
            var stopped = Task.WhenAll(running);
            if (await Task.WhenAny(stopped, Task.Delay(WatchStopGrace, time, CancellationToken.None)).ConfigureAwait(false) != stopped)
            {
                LogWatchesLingering(_logger, WatchStopGrace.TotalSeconds);
            }
        }
    }

    private async Task WorkAsync(WorkQueue queue, SessionReconciler reconciler, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string? key;
            try
            {
                key = await queue.TakeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (key is null)
            {
                return;
            }

            metrics.QueueDepth.Set(queue.Depth);
            var started = time.GetTimestamp();
            try
            {
                var result = await reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
                queue.Forget(key);
                if (result.RequeueAfter is { } delay)
                {
                    queue.AddAfter(key, delay);
                    metrics.Reconciles.WithLabels("requeue").Inc();
                }
                else
                {
                    metrics.Reconciles.WithLabels("success").Inc();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var delay = queue.AddRateLimited(key);
                metrics.Reconciles.WithLabels("error").Inc();
                metrics.Errors.Inc();
                LogReconcileFailed(_logger, key, delay.TotalSeconds, e.Message, e);
            }
            finally
            {
                metrics.Duration.Observe(time.GetElapsedTime(started).TotalSeconds);
                queue.Done(key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Caches synced: {Sessions} sessions, {Jobs} Jobs, {Pods} pods; {Queued} sessions queued")]
    private static partial void LogSynced(ILogger logger, int sessions, int jobs, int pods, int queued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watches still open {Seconds:0} s after the term ended: left to end at their timeout")]
    private static partial void LogWatchesLingering(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile of {Key} failed, retrying in {Seconds:0.0} s: {Error}")]
    private static partial void LogReconcileFailed(ILogger logger, string key, double seconds, string error, Exception exception);
}
