namespace ZkSync.Worker.Coordination;

/// <summary>
/// Runs a check every <c>interval</c> (the destination's base-path check, the original's check every ten loops)
/// on a <see cref="TimeProvider"/> timer, never two at once: a check still running when the next is due
/// makes that one wait for the following tick. Errors are the check's own to handle.
/// </summary>
internal sealed class PeriodicCheck : IAsyncDisposable
{
    private readonly Func<Task> _check;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private Task _running = Task.CompletedTask;
    private bool _disposed;

    public PeriodicCheck(TimeProvider time, TimeSpan interval, Func<Task> check)
    {
        ArgumentNullException.ThrowIfNull(time);
        _check = check ?? throw new ArgumentNullException(nameof(check));
        _timer = time.CreateTimer(_ => Tick(), null, interval, interval);
    }

    /// <summary>Checks started so far (for tests).</summary>
    public int Runs { get; private set; }

    /// <summary>The check running now, or the last one (for tests).</summary>
    internal Task Current
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (_gate)
        {
            _disposed = true;
            running = _running;
        }

        await _timer.DisposeAsync().ConfigureAwait(false);
        await running.ConfigureAwait(false);
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_disposed || !_running.IsCompleted)
            {
                return;
            }

            Runs++;
            _running = Task.Run(_check);
        }
    }
}
