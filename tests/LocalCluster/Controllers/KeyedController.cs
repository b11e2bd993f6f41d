using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>
/// The shape of the cluster's controllers (client-go's informer plus rate-limited work queue, written once):
/// every change of the store is mapped to the keys it concerns (<see cref="KeysFor"/>); each key waits in the
/// queue at most once and is reconciled by one worker, from the current state of the store, never two at a time.
/// A reconcile may ask to run again after a delay (a deadline, a back-off); one that throws is retried with an
/// exponential back-off, as a real controller requeues a failed key.
/// </summary>
public abstract partial class KeyedController : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _delayed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ObjectStore _store;
    private CancellationToken _stopping;

    protected KeyedController(ObjectStore store, TimeProvider time, ILogger logger)
    {
        _store = store;
        Time = time;
        Logger = logger;
    }

    protected TimeProvider Time { get; }

    protected ILogger Logger { get; }

    /// <summary>Queues a key now (a key already waiting is not queued twice).</summary>
    public void Enqueue(string key)
    {
        lock (_gate)
        {
            if (!_queued.Add(key))
            {
                return;
            }
        }

        _ready.Writer.TryWrite(key);
    }

    /// <summary>Queues a key after <paramref name="delay"/> (the earliest of several requests wins).</summary>
    public void EnqueueAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Enqueue(key);
            return;
        }

        var due = Time.GetUtcNow() + delay;
        lock (_gate)
        {
            if (_delayed.TryGetValue(key, out var earlier) && earlier <= due)
            {
                return;
            }

            _delayed[key] = due;
        }

        _ = DelayThenEnqueueAsync(key, due, delay);
    }

    /// <summary>The keys a change of the store concerns (called on the watch's thread: pure, no store writes).</summary>
    protected abstract IEnumerable<string> KeysFor(StoreEvent change);

    /// <summary>Brings the object of <paramref name="key"/> to its desired state; returns when to look again, or null.</summary>
    protected abstract Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken);

    /// <summary>Runs once before the first change is handled (a controller's own bootstrap).</summary>
    protected virtual Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await StartingAsync(stoppingToken).ConfigureAwait(false);
        using var watch = _store.Watch(null, null, fromResourceVersion: null, sendInitialState: true, bookmarks: false, inProcess: true);
        var pump = PumpAsync(watch, stoppingToken);
        try
        {
            while (await _ready.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (_ready.Reader.TryRead(out var key))
                {
                    lock (_gate)
                    {
                        _queued.Remove(key);
                    }

                    await ProcessAsync(key, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await pump.ConfigureAwait(false);
    }

    private async Task ProcessAsync(string key, CancellationToken stoppingToken)
    {
        TimeSpan? again;
        try
        {
            again = await ReconcileAsync(key, stoppingToken).ConfigureAwait(false);
            lock (_gate)
            {
                _failures.Remove(key);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // a controller outlives one object's failure: the key is retried with a back-off
        catch (Exception e)
#pragma warning restore CA1031
        {
            int failures;
            lock (_gate)
            {
                failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
            }

            again = TimeSpan.FromTicks(Math.Min(LastRetry.Ticks, FirstRetry.Ticks << Math.Min(failures - 1, 16)));
            LogReconcileFailed(Logger, e, GetType().Name, key, again.Value);
        }

        if (again is { } delay)
        {
            EnqueueAfter(key, delay);
        }
    }

    private async Task PumpAsync(StoreWatch watch, CancellationToken stoppingToken)
    {
        try
        {
            while (await watch.Events.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (watch.Events.TryRead(out var change))
                {
                    foreach (var key in KeysFor(change))
                    {
                        Enqueue(key);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DelayThenEnqueueAsync(string key, DateTimeOffset due, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, Time, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_gate)
        {
            if (!_delayed.TryGetValue(key, out var current) || current != due)
            {
                return; // a sooner request took its place (and ran)
            }

            _delayed.Remove(key);
        }

        Enqueue(key);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Controller} failed to reconcile {Key}; retrying in {Delay}")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string controller, string key, TimeSpan delay);
}
