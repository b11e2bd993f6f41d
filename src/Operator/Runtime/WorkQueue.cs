namespace ZkSync.Operator.Runtime;

/// <summary>
/// The controller's work queue, keyed by <c>namespace/name</c> (client-go's semantics): a key added while it waits is
/// not added twice; a key is handed to one worker at a time, and a key added while it is being processed is handed
/// out again once the worker is <see cref="Done"/> (so no change is lost and no key is reconciled concurrently);
/// delayed adds keep the earliest time; failures back off exponentially per key until <see cref="Forget"/>.
/// Time comes from the <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
public sealed class WorkQueue : IDisposable
{
    private readonly TimeProvider _time;
    private readonly BackoffPolicy _backoff;
    private readonly Lock _lock = new();
    private readonly Queue<string> _ready = new();
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Due, ITimer Timer)> _waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _available = new(0);
    private bool _shutDown;

    public WorkQueue(TimeProvider time, BackoffPolicy? backoff = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _backoff = backoff ?? BackoffPolicy.Reconcile;
    }

    /// <summary>Keys ready to be handed out (not those waiting for a delay or being processed).</summary>
    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _ready.Count;
            }
        }
    }

    /// <summary>Keys waiting for a delayed add.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    public void Add(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            AddLocked(key);
        }
    }

    /// <summary>Adds the key after <paramref name="delay"/>; an earlier pending add of the same key wins.</summary>
    public void AddAfter(string key, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_lock)
        {
            if (_shutDown)
            {
                return;
            }

            var due = _time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(key, out var pending))
            {
                if (pending.Due <= due)
                {
                    return;
                }

                pending.Timer.Dispose();
            }

            var timer = _time.CreateTimer(_ => Fire(key, due), null, delay, Timeout.InfiniteTimeSpan);
            _waiting[key] = (due, timer);
        }
    }

    /// <summary>Adds the key after the back-off of its next failure.</summary>
    public TimeSpan AddRateLimited(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int failures;
        lock (_lock)
        {
            failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }

        var delay = _backoff.Delay(failures);
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Clears the key's failure count (it reconciled fine).</summary>
    public void Forget(string key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    public int Failures(string key)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>The next key to process, or null once the queue is shut down.</summary>
    public async Task<string?> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (_shutDown)
                {
                    _available.Release(); // wake the next taker too
                    return null;
                }

                if (_ready.TryDequeue(out var key))
                {
                    _dirty.Remove(key);
                    _processing.Add(key);
                    return key;
                }
            }
        }
    }

    /// <summary>The worker finished with the key; if it was added meanwhile, it is handed out again.</summary>
    public void Done(string key)
    {
        lock (_lock)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key) && !_shutDown)
            {
                _ready.Enqueue(key);
                _available.Release();
            }
        }
    }

    /// <summary>Hands out nothing more; takers get null.</summary>
    public void ShutDown()
    {
        lock (_lock)
        {
            if (_shutDown)
            {
                return;
            }

            _shutDown = true;
            foreach (var (_, pending) in _waiting)
            {
                pending.Timer.Dispose();
            }

            _waiting.Clear();
            _available.Release();
        }
    }

    public void Dispose()
    {
        ShutDown();
        _available.Dispose();
    }

    private void Fire(string key, DateTimeOffset due)
    {
        lock (_lock)
        {
            if (!_waiting.TryGetValue(key, out var pending) || pending.Due != due)
            {
                return; // replaced by an earlier add
            }

            _waiting.Remove(key);
            pending.Timer.Dispose();
            AddLocked(key);
        }
    }

    private void AddLocked(string key)
    {
        if (_shutDown || !_dirty.Add(key))
        {
            return;
        }

        if (_processing.Contains(key))
        {
            return; // handed out again by Done
        }

        _ready.Enqueue(key);
        _available.Release();
    }
}
