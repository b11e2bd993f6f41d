namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// Turns one-shot watch callbacks into something a loop can await: <see cref="Arm"/> before reading
/// (with <see cref="Watcher"/> set), then await the returned task; any event fired since arming
/// completes it, so a change between the read and the wait is never missed.
/// </summary>
internal sealed class ChangeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<WatchedEvent> _pending = NewSource();

    public ChangeSignal() => Watcher = Set;

    /// <summary>One delegate per signal: the client keeps one watch per path for it, however often it is re-armed.</summary>
    public Action<WatchedEvent> Watcher { get; }

    /// <summary>A task completing with the next event after this call.</summary>
    public Task<WatchedEvent> Arm()
    {
        lock (_gate)
        {
            if (_pending.Task.IsCompleted)
            {
                _pending = NewSource();
            }

            return _pending.Task;
        }
    }

    public void Set(WatchedEvent watchedEvent)
    {
        lock (_gate)
        {
            _pending.TrySetResult(watchedEvent);
        }
    }

    /// <summary>Waits for <paramref name="changed"/> until <paramref name="timeout"/> (null: forever) has passed
    /// since <paramref name="started"/>; false on timeout, <see cref="OperationCanceledException"/> on cancellation.</summary>
    public static async Task<bool> WaitAsync(
        Task changed, TimeProvider timeProvider, long started, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (timeout is not { } limit || limit == Timeout.InfiniteTimeSpan)
        {
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }

        var remaining = limit - timeProvider.GetElapsedTime(started);
        if (remaining <= TimeSpan.Zero)
        {
            return false;
        }

        try
        {
            await changed.WaitAsync(remaining, timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static TaskCompletionSource<WatchedEvent> NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
