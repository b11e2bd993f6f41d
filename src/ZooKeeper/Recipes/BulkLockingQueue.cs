using System.Text;
using Microsoft.Extensions.Logging;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// A kazoo <c>LockingQueue</c> on the wire, worked many entries at a time: the same
/// <c>entries/entry-PPP-&lt;seq&gt;</c> and ephemeral <c>taken/&lt;name&gt;</c> nodes holding this instance's id,
/// so kazoo clients and <see cref="LockingQueue"/> share the queue with it. Where kazoo takes only the
/// first entry per call and lists the queue each time, this keeps a watch-driven cached list, relisted
/// only when the cache runs dry, takes any free entry (not only the first), and pipelines its requests.
/// </summary>
public sealed class BulkLockingQueue
{
    private readonly ZooKeeperClient _client;
    private readonly RecipeOptions _options;
    private readonly ILogger _logger;
    private readonly string _entriesPath;
    private readonly string _takenPath;
    private readonly byte[] _id;
    private readonly ChangeSignal _changed = new();
    private readonly Queue<string> _candidates = new();
    private readonly Dictionary<string, byte[]> _peeked = new(StringComparer.Ordinal);
    private bool _pathsEnsured;

    public BulkLockingQueue(ZooKeeperClient client, string path, RecipeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        PathValidation.ValidatePath(path);
        _client = client;
        _options = options ?? RecipeOptions.Default;
        _logger = _options.LoggerFactory.CreateLogger<BulkLockingQueue>();
        Path = path;
        _entriesPath = KazooNames.Combine(path, KazooNames.QueueEntries);
        _takenPath = KazooNames.Combine(path, KazooNames.QueueTaken);
        Id = KazooNames.NewUuidHex();
        _id = Encoding.ASCII.GetBytes(Id);
    }

    public string Path { get; }

    /// <summary>This instance's id (uuid4 hex): the data of the taken nodes it creates.</summary>
    public string Id { get; }

    /// <summary>
    /// Takes up to <paramref name="maxItems"/> free entries, in queue order, that
    /// <paramref name="belongsWith"/> accepts next to the first one taken (e.g. "same kind").
    /// Waits for a child event (never polls) while none is free; returns an empty list when
    /// <paramref name="timeout"/> passes (null: wait until cancelled).
    /// </summary>
    public async Task<IReadOnlyList<QueueItem>> TakeAsync(
        int maxItems,
        Func<QueueItem, QueueItem, bool>? belongsWith = null,
        Func<QueueItem, bool>? accept = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        await EnsurePathsAsync(cancellationToken).ConfigureAwait(false);
        var started = _options.TimeProvider.GetTimestamp();
        while (true)
        {
            var changed = _changed.Arm();
            var listed = false;
            if (_candidates.Count == 0)
            {
                await RelistAsync(cancellationToken).ConfigureAwait(false);
                listed = true;
            }

            var taken = await TakeFromCandidatesAsync(maxItems, belongsWith, accept, cancellationToken).ConfigureAwait(false);
            if (taken.Count > 0)
            {
                return taken;
            }

            // Only a listing made after arming has a watch behind it: a stale cache that ran dry is relisted first.
            if (_candidates.Count > 0 || !listed)
            {
                continue;
            }

            if (!await ChangeSignal.WaitAsync(changed, _options.TimeProvider, started, timeout, cancellationToken).ConfigureAwait(false))
            {
                return [];
            }
        }
    }

    /// <summary>Deletes each entry and its taken node in one transaction per entry, all in flight at once.
    /// Returns the entries consumed (an entry whose taken node no longer carries our id is skipped).</summary>
    public async Task<IReadOnlyList<QueueItem>> ConsumeAsync(IReadOnlyCollection<QueueItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var results = await Task.WhenAll(items.Select(item => ConsumeOneAsync(item, cancellationToken))).ConfigureAwait(false);
        return [.. items.Where((_, index) => results[index])];
    }

    /// <summary>Gives entries back: deletes only their taken nodes (when still ours).</summary>
    public async Task ReleaseAsync(IReadOnlyCollection<QueueItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        await Task.WhenAll(items.Select(item => _options.RetryPolicy.ExecuteAsync(async token =>
        {
            var takenNode = KazooNames.Combine(_takenPath, item.Name);
            if (await HoldsAsync(takenNode, token).ConfigureAwait(false))
            {
                await DeleteQuietlyAsync(takenNode, token).ConfigureAwait(false);
            }
        }, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads and deletes every entry nobody has taken, in queue order, in pipelined batches (for a queue
    /// that only one reader drains, such as the completed and failed queues of a session). Arms a child
    /// watch so <see cref="WaitForChangeAsync"/> wakes on the next put.
    /// </summary>
    public async Task<IReadOnlyList<QueueItem>> DrainAsync(bool includeTaken = false, CancellationToken cancellationToken = default)
    {
        var drained = new List<QueueItem>();
        await EnsurePathsAsync(cancellationToken).ConfigureAwait(false);
        var (entries, taken) = await ListAsync(cancellationToken).ConfigureAwait(false);
        var names = entries.Where(name => includeTaken || !taken.Contains(name)).ToList();
        const int Chunk = 512;
        for (var start = 0; start < names.Count; start += Chunk)
        {
            var chunk = names.Skip(start).Take(Chunk).ToList();
            var reads = await Task.WhenAll(chunk.Select(name => ReadQuietlyAsync(name, cancellationToken))).ConfigureAwait(false);
            var present = reads.OfType<QueueItem>().ToList();
            await Task.WhenAll(present.Select(item => DeleteQuietlyAsync(KazooNames.Combine(_entriesPath, item.Name), cancellationToken))).ConfigureAwait(false);
            await Task.WhenAll(present.Where(item => taken.Contains(item.Name))
                .Select(item => DeleteQuietlyAsync(KazooNames.Combine(_takenPath, item.Name), cancellationToken))).ConfigureAwait(false);
            drained.AddRange(present);
        }

        return drained;
    }

    /// <summary>Waits for the next change of the children armed by the last <see cref="TakeAsync"/>,
    /// <see cref="DrainAsync"/> or <see cref="CountAsync"/> call.</summary>
    public async Task WaitForChangeAsync(Task<WatchedEvent> armed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(armed);
        await armed.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Arms the change signal; pass the result to <see cref="WaitForChangeAsync"/> after the call that set watches.</summary>
    public Task<WatchedEvent> ArmChangeSignal() => _changed.Arm();

    /// <summary>numChildren of <c>entries</c> (taken ones included, as kazoo's <c>len</c>), with a child watch armed.</summary>
    public async Task<int> CountAsync(bool watch = false, CancellationToken cancellationToken = default)
    {
        await EnsurePathsAsync(cancellationToken).ConfigureAwait(false);
        if (watch)
        {
            var children = await _options.RetryPolicy.ExecuteAsync(
                token => _client.GetChildrenAsync(_entriesPath, _changed.Watcher, token), cancellationToken).ConfigureAwait(false);
            return children.Stat.NumChildren;
        }

        var stat = await _options.RetryPolicy.ExecuteAsync(
            token => _client.ExistsAsync(_entriesPath, null, token), cancellationToken).ConfigureAwait(false);
        return stat?.NumChildren ?? 0;
    }

    /// <summary>Adds entries with one priority, pipelined (each a sequential create, in order on the wire).</summary>
    public async Task PutManyAsync(IReadOnlyList<byte[]> values, int priority = KazooNames.DefaultPriority, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        await EnsurePathsAsync(cancellationToken).ConfigureAwait(false);
        var prefix = KazooNames.Combine(_entriesPath, KazooNames.QueueEntryPrefix(priority));
        await Task.WhenAll(values.Select(value =>
            _client.CreateAsync(prefix, value, _options.Acl, CreateMode.PersistentSequential, cancellationToken))).ConfigureAwait(false);
    }

    private async Task<List<QueueItem>> TakeFromCandidatesAsync(
        int maxItems, Func<QueueItem, QueueItem, bool>? belongsWith, Func<QueueItem, bool>? accept, CancellationToken cancellationToken)
    {
        var taken = new List<QueueItem>();

        // Look at a few more candidates than wanted: some are taken by others meanwhile.
        var window = new List<string>();
        while (window.Count < maxItems * 2 && _candidates.TryDequeue(out var name))
        {
            window.Add(name);
        }

        // Entry data never changes, so it can be read before taking, to pick a batch that belongs together.
        var values = await Task.WhenAll(window.Select(name => PeekAsync(name, cancellationToken))).ConfigureAwait(false);
        for (var i = 0; i < window.Count; i++)
        {
            if (values[i] is { } value)
            {
                _peeked[window[i]] = value;
            }
        }

        var chosen = new List<QueueItem>();
        var leftOver = new List<string>();
        for (var i = 0; i < window.Count; i++)
        {
            if (values[i] is not { } value)
            {
                continue;
            }

            var item = new QueueItem(window[i], value);
            if (accept is not null && !accept(item))
            {
                // Not wanted by this caller: dropped from the cache until the next listing.
                continue;
            }

            if (chosen.Count < maxItems && (chosen.Count == 0 || belongsWith is null || belongsWith(chosen[0], item)))
            {
                chosen.Add(item);
            }
            else
            {
                leftOver.Add(window[i]);
            }
        }

        // Put back what was not chosen, ahead of the rest, keeping queue order.
        RequeueCandidatesFirst(leftOver);
        var claims = await Task.WhenAll(chosen.Select(item => TryClaimAsync(item.Name, cancellationToken))).ConfigureAwait(false);
        for (var i = 0; i < chosen.Count; i++)
        {
            if (claims[i])
            {
                _peeked.Remove(chosen[i].Name);
                taken.Add(chosen[i]);
            }
        }

        return taken;
    }

    private void RequeueCandidatesFirst(List<string> names)
    {
        if (names.Count == 0)
        {
            return;
        }

        var rest = _candidates.ToList();
        _candidates.Clear();
        foreach (var name in names.Concat(rest))
        {
            _candidates.Enqueue(name);
        }
    }

    private async Task<bool> TryClaimAsync(string name, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, name);
        try
        {
            await _client.CreateAsync(takenNode, _id, _options.Acl, CreateMode.Ephemeral, cancellationToken).ConfigureAwait(false);
        }
        catch (NodeExistsException)
        {
            return false;
        }
        catch (ConnectionLossException)
        {
            // The create may have applied: it is ours exactly when it carries our id.
            if (!await _options.RetryPolicy.ExecuteAsync(token => HoldsAsync(takenNode, token), cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        // The entry may have been consumed between our listing and our claim.
        if (await _client.ExistsAsync(KazooNames.Combine(_entriesPath, name), null, cancellationToken).ConfigureAwait(false) is null)
        {
            await DeleteQuietlyAsync(takenNode, cancellationToken).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>The entry's data (from the cache when read before); runs concurrently with its siblings, so it only reads the cache.</summary>
    private async Task<byte[]?> PeekAsync(string name, CancellationToken cancellationToken)
    {
        if (_peeked.TryGetValue(name, out var cached))
        {
            return cached;
        }

        try
        {
            var data = await _client.GetDataAsync(KazooNames.Combine(_entriesPath, name), null, cancellationToken).ConfigureAwait(false);
            return data.Data;
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    private async Task RelistAsync(CancellationToken cancellationToken)
    {
        var (entries, taken) = await ListAsync(cancellationToken).ConfigureAwait(false);
        _peeked.Clear();
        foreach (var name in entries)
        {
            if (!taken.Contains(name))
            {
                _candidates.Enqueue(name);
            }
        }
    }

    /// <summary>Both child lists, with watches (so a change wakes a waiter), entries sorted as kazoo sorts them.
    /// A queue deleted and rebuilt meanwhile (a new session's master does that) is ensured again.</summary>
    private async Task<(List<string> Entries, HashSet<string> Taken)> ListAsync(CancellationToken cancellationToken)
    {
        var watcher = _changed.Watcher;
        ChildrenResult[] results;
        try
        {
            results = await ListBothAsync(watcher, cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            _pathsEnsured = false;
            await EnsurePathsAsync(cancellationToken).ConfigureAwait(false);
            results = await ListBothAsync(watcher, cancellationToken).ConfigureAwait(false);
        }

        var entries = results[0].Children.ToList();
        entries.Sort(StringComparer.Ordinal);
        return (entries, new HashSet<string>(results[1].Children, StringComparer.Ordinal));
    }

    private Task<ChildrenResult[]> ListBothAsync(Action<WatchedEvent> watcher, CancellationToken cancellationToken) =>
        _options.RetryPolicy.ExecuteAsync(token => Task.WhenAll(
            _client.GetChildrenAsync(_entriesPath, watcher, token),
            _client.GetChildrenAsync(_takenPath, watcher, token)), cancellationToken);

    private async Task<QueueItem?> ReadQuietlyAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var data = await _client.GetDataAsync(KazooNames.Combine(_entriesPath, name), null, cancellationToken).ConfigureAwait(false);
            return new QueueItem(name, data.Data);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    private async Task<bool> ConsumeOneAsync(QueueItem item, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, item.Name);
        var entryNode = KazooNames.Combine(_entriesPath, item.Name);
        var sent = false;
        return await _options.RetryPolicy.ExecuteAsync(async token =>
        {
            if (sent && await _client.ExistsAsync(entryNode, null, token).ConfigureAwait(false) is null)
            {
                // A lost reply: the transaction applied.
                return true;
            }

            sent = true;
            try
            {
                // kazoo checks the taken node holds its id, then deletes both; the version check keeps that atomic.
                var taken = await _client.GetDataAsync(takenNode, null, token).ConfigureAwait(false);
                if (!taken.Data.AsSpan().SequenceEqual(_id))
                {
                    _logger.LogWarning("Queue {Path}: entry {Name} is no longer ours; not consumed", Path, item.Name);
                    return false;
                }

                await _client.MultiAsync([Op.Check(takenNode, taken.Stat.Version), Op.Delete(entryNode), Op.Delete(takenNode)], token).ConfigureAwait(false);
                return true;
            }
            catch (NoNodeException)
            {
                await DeleteQuietlyAsync(takenNode, token).ConfigureAwait(false);
                return false;
            }
            catch (BadVersionException)
            {
                return false;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> HoldsAsync(string takenNode, CancellationToken cancellationToken)
    {
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

    private async Task DeleteQuietlyAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteAsync(path, -1, cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            // Already gone: that is what we wanted.
        }
    }

    private async Task EnsurePathsAsync(CancellationToken cancellationToken)
    {
        if (_pathsEnsured)
        {
            return;
        }

        // kazoo ensures "taken" before "entries".
        await _client.EnsurePathAsync(_takenPath, _options.Acl, cancellationToken).ConfigureAwait(false);
        await _client.EnsurePathAsync(_entriesPath, _options.Acl, cancellationToken).ConfigureAwait(false);
        _pathsEnsured = true;
    }
}
