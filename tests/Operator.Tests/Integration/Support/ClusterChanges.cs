using ZkSync.LocalCluster.Api;

namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>
/// Waits for a state of the local API server: every write the server stores (from any client) wakes the waiters,
/// which check their condition against the stored objects again; the condition is checked after arming, so a
/// write between the check and the wait is never missed. Test hooks that drop client watches do not touch it.
/// </summary>
public sealed class ClusterChanges : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly ResourceService _resources;
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClusterChanges(ResourceService resources)
    {
        _resources = resources;
        _resources.Written += OnWritten;
    }

    private readonly List<StoredWrite> _writes = [];

    /// <summary>Every write the server stored since this was made, in order.</summary>
    public IReadOnlyList<StoredWrite> Writes
    {
        get
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>Waits until <paramref name="probe"/> returns a value; on timeout throws with <paramref name="what"/>
    /// and what <paramref name="describe"/> says of the state then.</summary>
    public async Task<T> WaitAsync<T>(Func<T?> probe, string what, Func<string>? describe = null, TimeSpan? timeout = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var limit = timeout ?? DefaultTimeout;
        using var deadline = new CancellationTokenSource(limit);
        while (true)
        {
            Task next;
            lock (_gate)
            {
                next = _next.Task;
            }

            if (probe() is { } value)
            {
                return value;
            }

            try
            {
                await next.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {limit.TotalSeconds:0} s for {what}" + (describe is null ? string.Empty : $"; now: {describe()}"));
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public Task WaitAsync(Func<bool> condition, string what, Func<string>? describe = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return WaitAsync(() => condition() ? string.Empty : null, what, describe, timeout);
    }

    /// <summary>Wakes the waiters to check their conditions again: for state that is not stored (an operator's
    /// requests, its health), whose owner calls this when it changes.</summary>
    public void Poke() => Wake(null);

    /// <summary>Waits until <paramref name="condition"/> holds for state the server keeps but signals no change of
    /// (its open watches): checked every 20 ms until the deadline.</summary>
    public static async Task PollAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        using var deadline = new CancellationTokenSource(limit);
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!condition())
        {
            try
            {
                await ticks.WaitForNextTickAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {limit.TotalSeconds:0} s for {what}");
            }
        }
    }

    public void Dispose() => _resources.Written -= OnWritten;

    private void OnWritten(StoredChange change)
    {
        var metadata = change.Object["metadata"];
        Wake(new StoredWrite(change.Type.GroupResource, change.Change,
            metadata?["namespace"]?.GetValue<string>(), metadata?["name"]?.GetValue<string>() ?? string.Empty, metadata?["uid"]?.GetValue<string>()));
    }

    private void Wake(StoredWrite? write)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (write is not null)
            {
                _writes.Add(write);
            }

            done = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult();
    }
}
