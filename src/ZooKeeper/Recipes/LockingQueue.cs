using System.Text;
using Microsoft.Extensions.Logging;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// kazoo's <c>LockingQueue</c>, node for node. Entries are persistent sequential
/// <c>entries/entry-PPP-&lt;seq&gt;</c> (lower priority first, then FIFO); taking one creates the
/// ephemeral <c>taken/&lt;name&gt;</c> holding this instance's 32-hex id, so an entry whose taker dies
/// becomes available again. An instance holds at most one entry: <see cref="GetAsync"/> returns it
/// until <see cref="ConsumeAsync"/> deletes it or <see cref="ReleaseAsync"/> gives it back.
/// Calls on one instance are serialized; use one instance per concurrent consumer.
/// <see cref="LockingQueueStrategy"/> picks how entries are found: from a cached listing (the default,
/// O(1) requests per get) or by listing on every get as kazoo does.
/// </summary>
public sealed class LockingQueue
{
    private readonly ZooKeeperClient _client;
    private readonly RecipeOptions _options;
    private readonly ILogger _logger;
    private readonly string _takenPath;
    private readonly string _entriesPath;
    private readonly byte[] _id;
    private readonly IQueueEntryView _view;
    private readonly SemaphoreSlim _serial = new(1, 1);
    private bool _pathsEnsured;

    public LockingQueue(
        ZooKeeperClient client, string path, RecipeOptions? options = null, LockingQueueStrategy strategy = LockingQueueStrategy.Cached)
    {
        ArgumentNullException.ThrowIfNull(client);
        PathValidation.ValidatePath(path);
        _client = client;
        _options = options ?? RecipeOptions.Default;
        _logger = _options.LoggerFactory.CreateLogger<LockingQueue>();
        Path = path;
        _takenPath = KazooNames.Combine(path, KazooNames.QueueTaken);
        _entriesPath = KazooNames.Combine(path, KazooNames.QueueEntries);
        Id = KazooNames.NewUuidHex();
        _id = Encoding.ASCII.GetBytes(Id);
        Strategy = strategy;
        _view = strategy switch
        {
            LockingQueueStrategy.Cached => new CachedQueueEntryView(client, _entriesPath, _takenPath, _options.RetryPolicy, Random.Shared),
            LockingQueueStrategy.KazooListing => new ListingQueueEntryView(client, _entriesPath, _takenPath, _options.RetryPolicy),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown strategy."),
        };
    }

    public LockingQueueStrategy Strategy { get; }

    /// <summary>How this instance finds entries (tests look at its listings).</summary>
    internal IQueueEntryView View => _view;

    /// <summary>Entries this instance tried to take and could not (someone else held them, or they were gone).</summary>
    internal long Misses { get; private set; }

    public string Path { get; }

    /// <summary>This instance's id (uuid4 hex), the data of the taken nodes it creates.</summary>
    public string Id { get; }

    /// <summary>The entry taken and not yet consumed or released, if any.</summary>
    public QueueItem? Current { get; private set; }

    /// <summary>Adds an entry; <paramref name="priority"/> 0–999, lower first. Returns the entry's node name.
    /// Not retried after a lost connection (the entry may or may not exist then), as in kazoo.</summary>
    public async Task<string> PutAsync(byte[] value, int priority = KazooNames.DefaultPriority, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckPriority(priority);
        await EnsurePathsAsync(cancellationToken).ConfigureAwait(false);
        var created = await _client.CreateAsync(
            KazooNames.Combine(_entriesPath, KazooNames.QueueEntryPrefix(priority)), value, _options.Acl, CreateMode.PersistentSequential,
            cancellationToken).ConfigureAwait(false);
        return created[(created.LastIndexOf('/') + 1)..];
    }

    /// <summary>Adds all entries in one transaction (all or none), in order, with one priority.</summary>
    public async Task PutAllAsync(IReadOnlyList<byte[]> values, int priority = KazooNames.DefaultPriority, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckPriority(priority);
        await EnsurePathsAsync(cancellationToken).ConfigureAwait(false);
        var prefix = KazooNames.Combine(_entriesPath, KazooNames.QueueEntryPrefix(priority));
        var operations = values
            .Select(value => (Op)Op.Create(prefix, value ?? throw new ArgumentException("Values must not be null.", nameof(values)), _options.Acl, CreateMode.PersistentSequential))
            .ToList();
        await _client.MultiAsync(operations, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes an untaken entry and returns its value; returns the entry already held, if any. With
    /// <see cref="LockingQueueStrategy.KazooListing"/> that is the first one of a fresh listing; with
    /// <see cref="LockingQueueStrategy.Cached"/> the first one of the cached listing that is still free
    /// (contenders spread over the cached entries of the same priority instead of queueing on the first).
    /// Waits for child events on <c>entries</c> and <c>taken</c> (never polls) until an entry can be
    /// taken, or returns null when <paramref name="timeout"/> (null: forever) passes.
    /// </summary>
    public async Task<byte[]?> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var started = _options.TimeProvider.GetTimestamp();
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsurePathsAsync(cancellationToken).ConfigureAwait(false);
            if (Current is { } held)
            {
                return held.Value;
            }

            while (true)
            {
                var changed = _view.ArmChangeSignal();
                var listed = await _view.RefreshAsync(cancellationToken).ConfigureAwait(false);
                while (_view.TryNext(out var name))
                {
                    var (item, heldByOther) = Strategy == LockingQueueStrategy.Cached
                        ? await TryTakeCheckedAsync(name, cancellationToken).ConfigureAwait(false)
                        : (await TryTakeAsync(name, cancellationToken).ConfigureAwait(false), false);
                    if (item is not null)
                    {
                        _view.OnTaken();
                        Current = item;
                        return item.Value;
                    }

                    Misses++;
                    _view.OnMissed(heldByOther);
                }

                // Only a listing made after arming has a watch behind it: a stale cache that ran dry is listed first.
                if (!listed)
                {
                    continue;
                }

                if (!await ChangeSignal.WaitAsync(changed, _options.TimeProvider, started, timeout, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }
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

            var takenNode = KazooNames.Combine(_takenPath, item.Name);
            var entryNode = KazooNames.Combine(_entriesPath, item.Name);
            var sent = false;
            var consumed = await _options.RetryPolicy.ExecuteAsync(async token =>
            {
                if (!await HoldsAsync(takenNode, token).ConfigureAwait(false))
                {
                    // After a lost reply the transaction may have applied: then both nodes are gone.
                    return sent && await _client.ExistsAsync(entryNode, null, token).ConfigureAwait(false) is null;
                }

                sent = true;
                try
                {
                    await _client.MultiAsync([Op.Delete(entryNode), Op.Delete(takenNode)], token).ConfigureAwait(false);
                    return true;
                }
                catch (NoNodeException)
                {
                    _logger.LogWarning("Queue {Path}: entry {Name} vanished before it was consumed", Path, item.Name);
                    await DeleteQuietlyAsync(takenNode, token).ConfigureAwait(false);
                    return false;
                }
            }, cancellationToken).ConfigureAwait(false);
            Current = null;
            return consumed;
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>Gives the held entry back (deletes only its taken node). False when nothing was held.</summary>
    public async Task<bool> ReleaseAsync(CancellationToken cancellationToken = default)
    {
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Current is not { } item)
            {
                return false;
            }

            var takenNode = KazooNames.Combine(_takenPath, item.Name);
            var released = await _options.RetryPolicy.ExecuteAsync(async token =>
            {
                if (!await HoldsAsync(takenNode, token).ConfigureAwait(false))
                {
                    return false;
                }

                await DeleteQuietlyAsync(takenNode, token).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            Current = null;
            return released;
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>Whether the taken node of the held entry still carries this instance's id (after a sync).</summary>
    public async Task<bool> HoldsLockAsync(CancellationToken cancellationToken = default)
    {
        if (Current is not { } item)
        {
            return false;
        }

        var takenNode = KazooNames.Combine(_takenPath, item.Name);
        return await _options.RetryPolicy.ExecuteAsync(token => HoldsAsync(takenNode, token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The number of entries, taken ones included (numChildren of <c>entries</c>, as kazoo's len).</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        await EnsurePathsAsync(cancellationToken).ConfigureAwait(false);
        var result = await _options.RetryPolicy.ExecuteAsync(
            token => _client.GetDataAsync(_entriesPath, null, token), cancellationToken).ConfigureAwait(false);
        return result.Stat.NumChildren;
    }

    /// <summary>Creates <c>taken/&lt;name&gt;</c>, then reads the entry. Null when someone else holds it
    /// or it vanished meanwhile (then our taken node is deleted again).</summary>
    internal async Task<QueueItem?> TryTakeAsync(string name, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, name);
        var attempts = 0;
        try
        {
            var taken = await _options.RetryPolicy.ExecuteAsync(async token =>
            {
                attempts++;
                try
                {
                    await _client.CreateAsync(takenNode, _id, _options.Acl, CreateMode.Ephemeral, token).ConfigureAwait(false);
                    return true;
                }
                catch (NodeExistsException) when (attempts > 1)
                {
                    // Our earlier create may have succeeded with its reply lost.
                    return await HoldsAsync(takenNode, token).ConfigureAwait(false);
                }
                catch (NodeExistsException)
                {
                    return false;
                }
            }, cancellationToken).ConfigureAwait(false);
            if (!taken)
            {
                return null;
            }

            try
            {
                var entry = await _options.RetryPolicy.ExecuteAsync(
                    token => _client.GetDataAsync(KazooNames.Combine(_entriesPath, name), null, token), cancellationToken).ConfigureAwait(false);
                _logger.LogDebug("Queue {Path}: took {Name}", Path, name);
                return new QueueItem(name, entry.Data);
            }
            catch (NoNodeException)
            {
                _logger.LogDebug("Queue {Path}: {Name} was consumed before we could read it", Path, name);
                await _options.RetryPolicy.ExecuteAsync(token => DeleteQuietlyAsync(takenNode, token), cancellationToken).ConfigureAwait(false);
                return null;
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ZooKeeperException && !(exception is SessionExpiredException))
        {
            // Cancelled or failed half-way: do not leave a taken node that nobody will consume.
            if (attempts > 0)
            {
                await DeleteIfOursBestEffortAsync(takenNode).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Like <see cref="TryTakeAsync"/>, for names from a cache that may be stale: one transaction checks
    /// that <c>entries/&lt;name&gt;</c> still exists and creates <c>taken/&lt;name&gt;</c> (the same node, data
    /// and ACL kazoo creates), with the read of the entry pipelined behind it. A name consumed since the
    /// listing so costs one round trip and leaves no taken node behind, not three requests.
    /// <c>Held</c> tells a miss because someone else holds the entry from one because it is gone.
    /// </summary>
    internal async Task<(QueueItem? Item, bool Held)> TryTakeCheckedAsync(string name, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, name);
        var entryNode = KazooNames.Combine(_entriesPath, name);
        var attempts = 0;
        try
        {
            var held = false;
            var (taken, data) = await _options.RetryPolicy.ExecuteAsync(async token =>
            {
                attempts++;
                var claim = _client.MultiAsync(
                    [Op.Check(entryNode, -1), Op.Create(takenNode, _id, _options.Acl, CreateMode.Ephemeral)], token);

                // The server answers a session's requests in order: this read sees the transaction's outcome.
                var read = _client.GetDataAsync(entryNode, null, token);
                try
                {
                    await claim.ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is NodeExistsException or NoNodeException)
                {
                    await ObserveQuietlyAsync(read).ConfigureAwait(false);
                    held = exception is NodeExistsException;

                    // After a lost reply our own transaction may have created the taken node: ours exactly when it carries our id.
                    return exception is NodeExistsException && attempts > 1 && await HoldsAsync(takenNode, token).ConfigureAwait(false)
                        ? (true, null)
                        : (false, (byte[]?)null);
                }
                catch
                {
                    await ObserveQuietlyAsync(read).ConfigureAwait(false);
                    throw;
                }

                try
                {
                    return (true, (await read.ConfigureAwait(false)).Data);
                }
                catch (NoNodeException)
                {
                    // Deleted by someone not holding it (a queue cleanup) right after our transaction.
                    return (true, null);
                }
            }, cancellationToken).ConfigureAwait(false);
            if (!taken)
            {
                return (null, held);
            }

            if (data is null)
            {
                // Taken in an earlier attempt whose replies were lost, or the entry vanished after the transaction.
                try
                {
                    data = (await _options.RetryPolicy.ExecuteAsync(
                        token => _client.GetDataAsync(entryNode, null, token), cancellationToken).ConfigureAwait(false)).Data;
                }
                catch (NoNodeException)
                {
                    _logger.LogDebug("Queue {Path}: {Name} was deleted before we could read it", Path, name);
                    await _options.RetryPolicy.ExecuteAsync(token => DeleteQuietlyAsync(takenNode, token), cancellationToken).ConfigureAwait(false);
                    return (null, false);
                }
            }

            _logger.LogDebug("Queue {Path}: took {Name}", Path, name);
            return (new QueueItem(name, data), false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ZooKeeperException && !(exception is SessionExpiredException))
        {
            // Cancelled or failed half-way: do not leave a taken node that nobody will consume.
            if (attempts > 0)
            {
                await DeleteIfOursBestEffortAsync(takenNode).ConfigureAwait(false);
            }

            throw;
        }
    }

    private static async Task ObserveQuietlyAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ZooKeeperException or OperationCanceledException or ObjectDisposedException)
        {
            // Only its outcome mattered, and that came with the transaction's.
        }
    }

    private async Task<bool> HoldsAsync(string takenNode, CancellationToken cancellationToken)
    {
        await _client.SyncAsync(takenNode, cancellationToken).ConfigureAwait(false);
        try
        {
            var data = await _client.GetDataAsync(takenNode, null, cancellationToken).ConfigureAwait(false);
            return data.Data.AsSpan().SequenceEqual(_id);
        }
        catch (NoNodeException)
        {
            return false;
        }
    }

    private async Task DeleteIfOursBestEffortAsync(string takenNode)
    {
        try
        {
            if (await HoldsAsync(takenNode, CancellationToken.None).ConfigureAwait(false))
            {
                await DeleteQuietlyAsync(takenNode, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (ZooKeeperException exception)
        {
            _logger.LogDebug("Queue {Path}: could not remove taken node {Node} ({Reason})", Path, takenNode, exception.Message);
        }
        catch (ObjectDisposedException)
        {
            // The client is closed: its ephemeral nodes are gone.
        }
    }

    private async Task DeleteQuietlyAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteAsync(path, -1, cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
        }
    }

    private async Task EnsurePathsAsync(CancellationToken cancellationToken)
    {
        if (_pathsEnsured)
        {
            return;
        }

        // kazoo ensures taken first, then entries.
        await _options.RetryPolicy.ExecuteAsync(async token =>
        {
            await _client.EnsurePathAsync(_takenPath, _options.Acl, token).ConfigureAwait(false);
            await _client.EnsurePathAsync(_entriesPath, _options.Acl, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        _pathsEnsured = true;
    }

    private static void CheckPriority(int priority)
    {
        if (priority is < KazooNames.MinPriority or > KazooNames.MaxPriority)
        {
            throw new ArgumentOutOfRangeException(nameof(priority), priority, "The priority must be between 0 and 999.");
        }
    }
}
