using System.Text;
using Microsoft.Extensions.Logging;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// A kazoo <c>LockingQueue</c> on the wire, worked many entries at a time: the same
/// <c>entries/entry-PPP-&lt;seq&gt;</c> and ephemeral <c>taken/&lt;name&gt;</c> nodes holding this instance's id,
/// so kazoo clients and <see cref="LockingQueue"/> share the queue with it. Where kazoo takes only the
/// first entry per call, this takes any free entry, and many at once, with its requests pipelined.
/// </summary>
/// <remarks>
/// Many instances take from one queue without trampling on each other:
/// <list type="bullet">
/// <item>Once others take from the queue too (a claim of ours lost, or a listing shows entries taken by
/// someone else), each listing starts at a random place of each priority band (bands stay in kazoo's
/// order, lower <c>PPP</c> first), so takers listing the same queue work on different parts of it, in
/// contiguous runs. A taker alone takes in queue order, as kazoo.</item>
/// <item>The listing is used only while it is known to be current: a child event on <c>entries</c> or
/// <c>taken</c> since the listing, a claim that lost, or an entry found gone makes the next take list again
/// rather than try names others have taken or consumed meanwhile.</item>
/// <item>A claim is one transaction (check the entry exists, create the taken node); a consume of an entry
/// claimed by this instance in the current session is one transaction too (the taken node is ours, version 0).</item>
/// </list>
/// Entry data never changes, so it is read once per instance and kept while the entry is listed.
/// <see cref="TakeAsync"/> calls on one instance are serialized.
/// </remarks>
public sealed class BulkLockingQueue
{
    /// <summary>The version of a taken node as its creator made it: nobody modifies taken nodes.</summary>
    private const int CreatedVersion = 0;

    private readonly ZooKeeperClient _client;
    private readonly RecipeOptions _options;
    private readonly ILogger _logger;
    private readonly string _entriesPath;
    private readonly string _takenPath;
    private readonly byte[] _id;
    private readonly Random _random;
    private readonly ChangeSignal _changed = new();
    private readonly SemaphoreSlim _taking = new(1, 1);
    private readonly Queue<string> _candidates = new();
    private readonly Dictionary<string, byte[]> _peeked = new(StringComparer.Ordinal);

    /// <summary>Names this instance claimed, with the session that created their taken node; guarded by <see cref="_claimedGate"/>.</summary>
    private readonly Dictionary<string, long> _claimed = new(StringComparer.Ordinal);
    private readonly Lock _claimedGate = new();

    /// <summary>Completes on the first child event after the last listing: the listing is then out of date.</summary>
    private Task<WatchedEvent>? _changedSinceListing;

    /// <summary>A claim lost or an entry was found gone since the last listing.</summary>
    private bool _stale;
    private bool _othersTaking;

    /// <summary>czxid of the <c>entries</c> node the peeked data came from (a queue rebuilt reuses entry names).</summary>
    private long _entriesCzxid;
    private bool _pathsEnsured;

    public BulkLockingQueue(ZooKeeperClient client, string path, RecipeOptions? options = null)
        : this(client, path, options, Random.Shared)
    {
    }

    internal BulkLockingQueue(ZooKeeperClient client, string path, RecipeOptions? options, Random random)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(random);
        PathValidation.ValidatePath(path);
        _client = client;
        _options = options ?? RecipeOptions.Default;
        _logger = _options.LoggerFactory.CreateLogger<BulkLockingQueue>();
        _random = random;
        Path = path;
        _entriesPath = KazooNames.Combine(path, KazooNames.QueueEntries);
        _takenPath = KazooNames.Combine(path, KazooNames.QueueTaken);
        Id = KazooNames.NewUuidHex();
        _id = Encoding.ASCII.GetBytes(Id);
    }

    public string Path { get; }

    /// <summary>This instance's id (uuid4 hex): the data of the taken nodes it creates.</summary>
    public string Id { get; }

    /// <summary>Listings of <c>entries</c> and <c>taken</c> made by <see cref="TakeAsync"/> (for tests and logs).</summary>
    internal int Listings { get; private set; }

    /// <summary>Claims that found the entry taken by someone else or gone (for tests and logs).</summary>
    internal long Misses { get; private set; }

    /// <summary>Completes on the first child event after the last listing (for tests: the next take lists again).</summary>
    internal Task ListingOutdated => _changedSinceListing ?? Task.CompletedTask;

    /// <summary>
    /// Takes up to <paramref name="maxItems"/> free entries, in queue order from a random starting point of
    /// the first priority band that has free entries, that <paramref name="belongsWith"/> accepts next to the
    /// first one taken (e.g. "same kind"). Waits for a child event (never polls) while none is free; returns
    /// an empty list when <paramref name="timeout"/> passes (null: wait until cancelled).
    /// </summary>
    public async Task<IReadOnlyList<QueueItem>> TakeAsync(
        int maxItems,
        Func<QueueItem, QueueItem, bool>? belongsWith = null,
        Func<QueueItem, bool>? accept = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        await _taking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsurePathsAsync(cancellationToken).ConfigureAwait(false);
            var started = _options.TimeProvider.GetTimestamp();
            var listedInThisCall = false;
            while (true)
            {
                if (_stale || _candidates.Count == 0 || _changedSinceListing is not { IsCompleted: false })
                {
                    await RelistAsync(_changed.Arm(), cancellationToken).ConfigureAwait(false);
                    listedInThisCall = true;
                }

                var taken = await TakeFromCandidatesAsync(maxItems, belongsWith, accept, cancellationToken).ConfigureAwait(false);
                if (taken.Count > 0)
                {
                    return taken;
                }

                if (_stale || _candidates.Count > 0 || !listedInThisCall)
                {
                    // List again, or go on down the listing (an earlier call may have dropped entries this one accepts).
                    continue;
                }

                // Every free entry of a current listing made in this call was looked at and none was for us: wait for
                // a child event since that listing (armed before it, so none is missed; already done if one came).
                if (!await ChangeSignal.WaitAsync(_changedSinceListing!, _options.TimeProvider, started, timeout, cancellationToken).ConfigureAwait(false))
                {
                    return [];
                }
            }
        }
        finally
        {
            _taking.Release();
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
        await Task.WhenAll(items.Select(item => ReleaseOneAsync(item.Name, cancellationToken))).ConfigureAwait(false);
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
        var listing = await ListAsync(cancellationToken).ConfigureAwait(false);
        var names = listing.Entries.Where(name => includeTaken || !listing.Taken.Contains(name)).ToList();
        const int Chunk = 512;
        for (var start = 0; start < names.Count; start += Chunk)
        {
            var chunk = names.Skip(start).Take(Chunk).ToList();
            var reads = await Task.WhenAll(chunk.Select(name => ReadQuietlyAsync(name, cancellationToken))).ConfigureAwait(false);
            var present = reads.OfType<QueueItem>().ToList();
            await Task.WhenAll(present.Select(item => DeleteQuietlyAsync(KazooNames.Combine(_entriesPath, item.Name), cancellationToken))).ConfigureAwait(false);
            await Task.WhenAll(present.Where(item => listing.Taken.Contains(item.Name))
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

    /// <summary>
    /// Sorted (kazoo order) names in the order a taker should try them: priority bands in order, each band
    /// rotated to start at a random name. Runs stay contiguous except where a band wraps. Pure.
    /// </summary>
    internal static List<string> SpreadWithinPriorities(IReadOnlyList<string> sortedNames, Random random)
    {
        ArgumentNullException.ThrowIfNull(sortedNames);
        ArgumentNullException.ThrowIfNull(random);
        var spread = new List<string>(sortedNames.Count);
        for (var start = 0; start < sortedNames.Count;)
        {
            var band = PriorityPrefix(sortedNames[start]);
            var end = start + 1;
            while (end < sortedNames.Count && PriorityPrefix(sortedNames[end]).SequenceEqual(band))
            {
                end++;
            }

            var first = random.Next(start, end);
            for (var i = first; i < end; i++)
            {
                spread.Add(sortedNames[i]);
            }

            for (var i = start; i < first; i++)
            {
                spread.Add(sortedNames[i]);
            }

            start = end;
        }

        return spread;
    }

    /// <summary>
    /// Creates <c>taken/&lt;name&gt;</c> (our id, ephemeral) in one transaction with a check that
    /// <c>entries/&lt;name&gt;</c> exists: an entry consumed since our listing costs one failed request and
    /// leaves no taken node. False when someone else holds the entry or it is gone.
    /// </summary>
    internal async Task<bool> TryClaimAsync(string name, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, name);
        var entryNode = KazooNames.Combine(_entriesPath, name);
        var session = _client.SessionId;
        try
        {
            await _client.MultiAsync(
                [Op.Check(entryNode, -1), Op.Create(takenNode, _id, _options.Acl, CreateMode.Ephemeral)], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NodeExistsException or NoNodeException)
        {
            return false;
        }
        catch (ConnectionLossException)
        {
            // The transaction may have applied: then the taken node carries our id. The entry existed then; it must still.
            if (await _options.RetryPolicy.ExecuteAsync(token => OurVersionAsync(takenNode, sync: true, token), cancellationToken).ConfigureAwait(false) is null)
            {
                return false;
            }

            if (await _options.RetryPolicy.ExecuteAsync(token => _client.ExistsAsync(entryNode, null, token), cancellationToken).ConfigureAwait(false) is null)
            {
                await _options.RetryPolicy.ExecuteAsync(token => DeleteQuietlyAsync(takenNode, token), cancellationToken).ConfigureAwait(false);
                return false;
            }
        }

        if (session != 0 && session == _client.SessionId)
        {
            lock (_claimedGate)
            {
                _claimed[name] = session;
            }
        }

        return true;
    }

    private async Task<List<QueueItem>> TakeFromCandidatesAsync(
        int maxItems, Func<QueueItem, QueueItem, bool>? belongsWith, Func<QueueItem, bool>? accept, CancellationToken cancellationToken)
    {
        // Entry data never changes, so it can be read before taking, to pick a batch that belongs together.
        // Read only as many as are still wanted, looking at most twice maxItems ahead for ones that belong.
        var chosen = new List<QueueItem>();
        var passedOver = new List<string>();
        var lookAhead = maxItems > int.MaxValue / 2 ? int.MaxValue : maxItems * 2;
        var looked = 0;
        while (chosen.Count < maxItems && looked < lookAhead && _candidates.Count > 0)
        {
            var window = new List<string>();
            var wanted = Math.Min(maxItems - chosen.Count, lookAhead - looked);
            while (window.Count < wanted && _candidates.TryDequeue(out var name))
            {
                window.Add(name);
            }

            looked += window.Count;
            var values = await Task.WhenAll(window.Select(name => PeekAsync(name, cancellationToken))).ConfigureAwait(false);
            for (var i = 0; i < window.Count; i++)
            {
                if (values[i] is not { } value)
                {
                    // Consumed since the listing: the rest of it is likely out of date too.
                    _stale = true;
                    continue;
                }

                _peeked[window[i]] = value;
                var item = new QueueItem(window[i], value);
                if (accept is not null && !accept(item))
                {
                    // Not wanted by this caller: dropped from the candidates until the next listing.
                    continue;
                }

                if (chosen.Count < maxItems && (chosen.Count == 0 || belongsWith is null || belongsWith(chosen[0], item)))
                {
                    chosen.Add(item);
                }
                else
                {
                    passedOver.Add(window[i]);
                }
            }
        }

        // Put back what was looked at and not chosen, ahead of the rest, keeping its order.
        RequeueCandidatesFirst(passedOver);

        // A claim is one request: once sent it is seen through (a cancelled wait could leave a taken node nobody consumes).
        var claims = await Task.WhenAll(chosen.Select(item => TryClaimAsync(item.Name, CancellationToken.None))).ConfigureAwait(false);
        var taken = new List<QueueItem>();
        for (var i = 0; i < chosen.Count; i++)
        {
            if (claims[i])
            {
                _peeked.Remove(chosen[i].Name);
                taken.Add(chosen[i]);
            }
            else
            {
                Misses++;
                _stale = true;
                _othersTaking = true;
            }
        }

        if (cancellationToken.IsCancellationRequested && taken.Count > 0)
        {
            await ReleaseAsync(taken, CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (taken.Count < chosen.Count)
        {
            _logger.LogDebug("Queue {Path}: claimed {Taken} of {Chosen} chosen entries; listing again next time", Path, taken.Count, chosen.Count);
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

    /// <summary>The entry's data (from the cache when read before); runs concurrently with its siblings, so it only reads the cache.</summary>
    private async Task<byte[]?> PeekAsync(string name, CancellationToken cancellationToken)
    {
        if (_peeked.TryGetValue(name, out var cached))
        {
            return cached;
        }

        try
        {
            var data = await _options.RetryPolicy.ExecuteAsync(
                token => _client.GetDataAsync(KazooNames.Combine(_entriesPath, name), null, token), cancellationToken).ConfigureAwait(false);
            return data.Data;
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>Lists both children with watches (armed before by <paramref name="armed"/>), and makes the free
    /// entries the candidates, spread within their priority bands. Keeps the data read of entries still listed.</summary>
    private async Task RelistAsync(Task<WatchedEvent> armed, CancellationToken cancellationToken)
    {
        var listing = await ListAsync(cancellationToken).ConfigureAwait(false);
        if (listing.EntriesCzxid != _entriesCzxid)
        {
            _peeked.Clear();
            _entriesCzxid = listing.EntriesCzxid;
        }
        else if (_peeked.Count > 0)
        {
            var listed = new HashSet<string>(listing.Entries, StringComparer.Ordinal);
            foreach (var name in _peeked.Keys.Where(name => !listed.Contains(name)).ToList())
            {
                _peeked.Remove(name);
            }
        }

        var free = listing.Entries.Where(name => !listing.Taken.Contains(name)).ToList();
        _othersTaking |= listing.Taken.Any(name => !ClaimedInThisSession(name));
        _candidates.Clear();
        foreach (var name in _othersTaking ? SpreadWithinPriorities(free, _random) : free)
        {
            _candidates.Enqueue(name);
        }

        _stale = false;
        _changedSinceListing = armed;
        Listings++;
        _logger.LogDebug("Queue {Path}: listed {Free} free of {Entries} entries", Path, free.Count, listing.Entries.Count);
    }

    /// <summary>Both child lists, with watches (so a change wakes a waiter), entries sorted as kazoo sorts them.
    /// A queue deleted and rebuilt meanwhile (a new session's master does that) is ensured again.</summary>
    private async Task<Listing> ListAsync(CancellationToken cancellationToken)
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
        return new Listing(entries, new HashSet<string>(results[1].Children, StringComparer.Ordinal), results[0].Stat.Czxid);
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
        var claimedHere = ClaimedInThisSession(item.Name);
        var sent = false;
        try
        {
            return await _options.RetryPolicy.ExecuteAsync(async token =>
            {
                if (sent && await _client.ExistsAsync(KazooNames.Combine(_entriesPath, item.Name), null, token).ConfigureAwait(false) is null)
                {
                    // A lost reply: the transaction applied.
                    return true;
                }

                sent = true;
                return await TryConsumeAsync(item.Name, claimedHere, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Forget(item.Name);
        }
    }

    /// <summary>
    /// kazoo checks the taken node holds its id, then deletes both; the version check in the transaction keeps
    /// that atomic. A taken node this instance created in the current session is known to be ours at version 0
    /// (nobody modifies taken nodes), so it is not read first; a version found changed falls back to reading it.
    /// </summary>
    private async Task<bool> TryConsumeAsync(string name, bool claimedHere, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, name);
        if (claimedHere)
        {
            try
            {
                return await DeleteEntryAndTakenAsync(name, CreatedVersion, cancellationToken).ConfigureAwait(false);
            }
            catch (BadVersionException)
            {
                // Modified by someone: decide by what it holds now.
            }
        }

        if (await OurVersionAsync(takenNode, sync: false, cancellationToken).ConfigureAwait(false) is not { } version)
        {
            _logger.LogWarning("Queue {Path}: entry {Name} is no longer ours; not consumed", Path, name);
            return false;
        }

        try
        {
            return await DeleteEntryAndTakenAsync(name, version, cancellationToken).ConfigureAwait(false);
        }
        catch (BadVersionException)
        {
            _logger.LogWarning("Queue {Path}: entry {Name} changed hands while being consumed; not consumed", Path, name);
            return false;
        }
    }

    /// <summary>One transaction: check <c>taken/&lt;name&gt;</c> is at <paramref name="takenVersion"/>, delete the entry, delete the taken node.</summary>
    private async Task<bool> DeleteEntryAndTakenAsync(string name, int takenVersion, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, name);
        var entryNode = KazooNames.Combine(_entriesPath, name);
        try
        {
            await _client.MultiAsync([Op.Check(takenNode, takenVersion), Op.Delete(entryNode), Op.Delete(takenNode)], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NoNodeException exception) when (exception.FailedOperationIndex == 1)
        {
            // Our taken node stands but the entry is gone (deleted by someone not holding it): do not leave the taken node.
            _logger.LogWarning("Queue {Path}: entry {Name} vanished before it was consumed", Path, name);
            await DeleteQuietlyAsync(takenNode, takenVersion, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (NoNodeException)
        {
            _logger.LogWarning("Queue {Path}: entry {Name} is no longer ours (its taken node is gone); not consumed", Path, name);
            return false;
        }
    }

    private async Task ReleaseOneAsync(string name, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, name);
        var claimedHere = ClaimedInThisSession(name);
        try
        {
            await _options.RetryPolicy.ExecuteAsync(async token =>
            {
                if (claimedHere)
                {
                    try
                    {
                        await _client.DeleteAsync(takenNode, CreatedVersion, token).ConfigureAwait(false);
                        return;
                    }
                    catch (NoNodeException)
                    {
                        // Gone already (a retry after a lost reply, or deleted by someone else).
                        return;
                    }
                    catch (BadVersionException)
                    {
                        // Modified by someone: decide by what it holds now.
                    }
                }

                if (await OurVersionAsync(takenNode, sync: false, token).ConfigureAwait(false) is { } version)
                {
                    await DeleteQuietlyAsync(takenNode, version, token).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Forget(name);
        }
    }

    private bool ClaimedInThisSession(string name)
    {
        lock (_claimedGate)
        {
            return _claimed.TryGetValue(name, out var session) && session == _client.SessionId;
        }
    }

    private void Forget(string name)
    {
        lock (_claimedGate)
        {
            _claimed.Remove(name);
        }
    }

    /// <summary>The taken node's version when it carries our id, else null. <paramref name="sync"/> first catches
    /// up with the leader (after a lost reply our server may not have seen our own write yet).</summary>
    private async Task<int?> OurVersionAsync(string takenNode, bool sync, CancellationToken cancellationToken)
    {
        if (sync)
        {
            await _client.SyncAsync(takenNode, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var data = await _client.GetDataAsync(takenNode, null, cancellationToken).ConfigureAwait(false);
            return data.Data.AsSpan().SequenceEqual(_id) ? data.Stat.Version : null;
        }
        catch (NoNodeException)
        {
            return null;
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

    /// <summary>Deletes <paramref name="path"/> only at <paramref name="version"/>: a node recreated by someone else stays.</summary>
    private async Task DeleteQuietlyAsync(string path, int version, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteAsync(path, version, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NoNodeException or BadVersionException)
        {
            // Gone, or no longer the node we meant.
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

    /// <summary><c>entry-PPP-</c> of <c>entry-PPP-&lt;seq&gt;</c> (everything up to the last dash).</summary>
    private static ReadOnlySpan<char> PriorityPrefix(string name) => name.AsSpan(0, name.LastIndexOf('-') + 1);

    private sealed record Listing(List<string> Entries, HashSet<string> Taken, long EntriesCzxid);
}
