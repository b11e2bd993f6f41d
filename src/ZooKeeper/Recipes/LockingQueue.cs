namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// kazoo's <c>LockingQueue</c> one entry at a time, node for node: an instance holds at most one entry;
/// <see cref="GetAsync"/> returns it until <see cref="ConsumeAsync"/> deletes it or <see cref="ReleaseAsync"/>
/// gives it back. A view of <see cref="BulkLockingQueue"/> (one listing, candidate choice, claim and consume
/// for both), so it shares a queue with kazoo clients and with bulk takers. Calls on one instance are
/// serialized; use one instance per concurrent consumer.
/// </summary>
public sealed class LockingQueue
{
    private readonly SemaphoreSlim _serial = new(1, 1);

    public LockingQueue(ZooKeeperClient client, string path, RecipeOptions? options = null)
        : this(new BulkLockingQueue(client, path, options))
    {
    }

    internal LockingQueue(BulkLockingQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        Queue = queue;
    }

    public string Path => Queue.Path;

    /// <summary>This instance's id (uuid4 hex), the data of the taken nodes it creates.</summary>
    public string Id => Queue.Id;

    /// <summary>The entry taken and not yet consumed or released, if any.</summary>
    public QueueItem? Current { get; private set; }

    /// <summary>The queue this instance takes from (tests look at its listings and misses).</summary>
    internal BulkLockingQueue Queue { get; }

    /// <summary>Adds an entry; <paramref name="priority"/> 0–999, lower first. Put exactly once, also after a lost reply.</summary>
    public Task PutAsync(byte[] value, int priority = KazooNames.DefaultPriority, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Queue.PutManyAsync([value], priority, cancellationToken);
    }

    /// <summary>Adds entries in order with one priority, in one transaction (all or none) when they fit one.</summary>
    public Task PutAllAsync(IReadOnlyList<byte[]> values, int priority = KazooNames.DefaultPriority, CancellationToken cancellationToken = default) =>
        Queue.PutManyAsync(values, priority, cancellationToken);

    /// <summary>
    /// Takes a free entry and returns its value; returns the entry already held, if any. Waits for child events
    /// (never polls) until an entry can be taken, or returns null when <paramref name="timeout"/> (null: forever) passes.
    /// </summary>
    public async Task<byte[]?> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Current is null)
            {
                var taken = await Queue.TakeAsync(1, null, null, timeout, cancellationToken).ConfigureAwait(false);
                Current = taken.Count > 0 ? taken[0] : null;
            }

            return Current?.Value;
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>Deletes the held entry and its taken node in one transaction. False when nothing is held
    /// or this instance no longer holds it (its session ended: someone else may have taken it).</summary>
    public async Task<bool> ConsumeAsync(CancellationToken cancellationToken = default)
    {
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Current is not { } item)
            {
                return false;
            }

            var consumed = await Queue.ConsumeAsync([item], cancellationToken).ConfigureAwait(false);
            Current = null;
            return consumed.Count == 1;
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>Gives the held entry back (deletes only its taken node). False when nothing was held or it was no longer ours.</summary>
    public async Task<bool> ReleaseAsync(CancellationToken cancellationToken = default)
    {
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Current is not { } item)
            {
                return false;
            }

            var released = await Queue.ReleaseAsync([item], cancellationToken).ConfigureAwait(false);
            Current = null;
            return released.Count == 1;
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>The number of entries, taken ones included (numChildren of <c>entries</c>, as kazoo's len).</summary>
    public Task<int> CountAsync(CancellationToken cancellationToken = default) => Queue.CountAsync(false, cancellationToken);
}
