using System.Text;
using Microsoft.Extensions.Logging;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// kazoo's <c>LockingQueue</c> on the wire, worked many entries at a time: persistent sequential
/// <c>entries/entry-PPP-&lt;seq&gt;</c> (lower <c>PPP</c> first, then FIFO) and an ephemeral
/// <c>taken/&lt;name&gt;</c> holding this instance's 32-hex id while an entry is taken, so kazoo clients,
/// <see cref="LockingQueue"/> (a one-entry view of this class) and other instances share the queue.
/// Where kazoo takes only the first entry per call, this takes any free entry, and many at once.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Listing: both children are listed (with watches) only when the names of the last listing are used
/// up, or <see cref="StaleAfterMisses"/> names in a row were found gone (others consumed them meanwhile). A child
/// event alone (our own claims and consumes cause them too) does not make a listing stale: it only wakes a
/// take that found nothing free.</item>
/// <item>Candidates: <see cref="QueueCandidates"/> hands the listed names out in queue order (lower priority first,
/// as kazoo); a claim lost to another taker moves this taker to a random name of the same priority, and a taker of
/// many entries starts each listing at one once others take too, so takers that listed together spread over the
/// queue and work on different parts of it, in contiguous runs. A taker alone takes in queue order.</item>
/// <item>Claim: one transaction (check the entry exists, create the taken node). Consume: one transaction
/// (check the taken node's version, delete entry and taken node, plus what the caller adds, e.g. the put of a
/// completion), so the caller's write happens exactly when the entry goes.</item>
/// <item>Lost replies: every write is retried through <see cref="RecipeOptions.RetryPolicy"/> after a probe
/// settles whether it happened: a claim by the taken node (ours?), a consume by the entry and taken node
/// (gone?), a put by an ephemeral marker <c>put-&lt;uuid&gt;</c> under the queue node created in the same
/// transaction (there?) and deleted afterwards.</item>
/// </list>
/// Entry data never changes, so it is read once per instance and kept while the entry is listed.
/// <see cref="TakeAsync"/> calls on one instance are serialized.
/// </remarks>
public sealed class BulkLockingQueue
{
    /// <summary>Claims missed in a row after which the rest of a listing counts as stale.</summary>
    public const int StaleAfterMisses = 4;

    /// <summary>Name prefix of the marker a put creates in its transaction (our addition; kazoo ignores the queue node's other children).</summary>
    public const string PutMarkerPrefix = "put-";

    /// <summary>The version of a taken node as its creator made it: nobody modifies taken nodes.</summary>
    private const int CreatedVersion = 0;

    /// <summary>Entries read at once (pipelined) when peeking many.</summary>
    private const int ReadChunk = 512;

    private readonly ZooKeeperClient _client;
    private readonly RecipeOptions _options;
    private readonly ZooKeeperRetryPolicy _retry;
    private readonly ILogger _logger;
    private readonly string _entriesPath;
    private readonly string _takenPath;
    private readonly byte[] _id;
    private readonly QueueCandidates _candidates;
    private readonly ChangeSignal _changed = new();
    private readonly SemaphoreSlim _taking = new(1, 1);
    private readonly Dictionary<string, byte[]> _peeked = new(StringComparer.Ordinal);

    /// <summary>Names this instance claimed, with the session that created their taken node; guarded by <see cref="_claimedGate"/>.</summary>
    private readonly Dictionary<string, long> _claimed = new(StringComparer.Ordinal);
    private readonly Lock _claimedGate = new();

    /// <summary>czxid of the <c>entries</c> node the peeked data came from (a queue rebuilt reuses entry names).</summary>
    private long _entriesCzxid;
    private int _goneInARow;
    private int _missesInARow;
    private bool _othersTaking;
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
        _retry = _options.RetryPolicy;
        _logger = _options.LoggerFactory.CreateLogger<BulkLockingQueue>();
        _candidates = new QueueCandidates(random);
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

    /// <summary>Names of the current listing not handed out yet (for tests).</summary>
    internal int CandidatesLeft => _candidates.Count;

    /// <summary>
    /// Takes up to <paramref name="maxItems"/> free entries that <paramref name="accept"/> accepts and
    /// <paramref name="belongsWith"/> accepts next to the first one taken (e.g. "same kind"), looking at most
    /// twice <paramref name="maxItems"/> names ahead. Waits for a child event (never polls) while none is free;
    /// returns an empty list when <paramref name="timeout"/> passes (null: wait until cancelled).
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
            await EnsureAsync(cancellationToken).ConfigureAwait(false);
            var started = _options.TimeProvider.GetTimestamp();

            // Armed before the last listing this call made (null: none yet): a change after it is never missed.
            Task<WatchedEvent>? changed = null;
            while (true)
            {
                if (_candidates.Count == 0)
                {
                    // A listing of this call was gone through without a take: wait for a change before listing again.
                    // (Names left from an earlier call that ran dry are no reason to wait: list at once.)
                    if (changed is not null &&
                        !await ChangeSignal.WaitAsync(changed, _options.TimeProvider, started, timeout, cancellationToken).ConfigureAwait(false))
                    {
                        return [];
                    }

                    changed = _changed.Arm();
                    await RelistAsync(maxItems > 1, cancellationToken).ConfigureAwait(false);
                }

                var taken = await TakeFromCandidatesAsync(maxItems, belongsWith, accept, cancellationToken).ConfigureAwait(false);
                if (taken.Count > 0)
                {
                    return taken;
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
    public Task<IReadOnlyList<QueueItem>> ConsumeAsync(IReadOnlyCollection<QueueItem> items, CancellationToken cancellationToken = default) =>
        ConsumeAsync(items, static _ => [], cancellationToken);

    /// <summary>
    /// As <see cref="ConsumeAsync(IReadOnlyCollection{QueueItem}, CancellationToken)"/>, each entry's transaction
    /// also carrying the operations <paramref name="alongside"/> gives for it (a put into another queue, made with
    /// <see cref="PutOps"/>): they happen exactly when the entry is consumed.
    /// </summary>
    public async Task<IReadOnlyList<QueueItem>> ConsumeAsync(
        IReadOnlyCollection<QueueItem> items, Func<QueueItem, IReadOnlyList<Op>> alongside, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(alongside);
        var results = await Task.WhenAll(items.Select(item => ConsumeOneAsync(item, alongside(item), cancellationToken))).ConfigureAwait(false);
        return [.. items.Where((_, index) => results[index])];
    }

    /// <summary>Gives entries back: deletes only their taken nodes (when still ours). Returns those given back.</summary>
    public async Task<IReadOnlyList<QueueItem>> ReleaseAsync(IReadOnlyCollection<QueueItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var results = await Task.WhenAll(items.Select(item => ReleaseOneAsync(item.Name, cancellationToken))).ConfigureAwait(false);
        return [.. items.Where((_, index) => results[index])];
    }

    /// <summary>
    /// Adds entries with one priority (0–999, lower first), in order, in as few transactions as fit (a list that
    /// fits one, see <see cref="TransactionSize"/>, is put all or none). Each transaction is retried after a lost
    /// reply only when its marker shows it did not happen, so no entry is put twice.
    /// </summary>
    public async Task PutManyAsync(IReadOnlyList<byte[]> values, int priority = KazooNames.DefaultPriority, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var creates = PutOps(values, priority);
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        var marker = KazooNames.Combine(Path, PutMarkerPrefix + KazooNames.NewUuidHex());
        var markerOp = Op.Create(marker, ReadOnlyMemory<byte>.Empty, _options.Acl, CreateMode.Ephemeral);
        foreach (var group in TransactionSize.Split(creates, TransactionSize.Of(markerOp), 1))
        {
            await PutMarkedAsync([.. group, markerOp], marker, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The creates of a put, for a caller that writes them in a transaction of its own (after <see cref="EnsureAsync"/>).</summary>
    public IReadOnlyList<Op> PutOps(IReadOnlyList<byte[]> values, int priority = KazooNames.DefaultPriority)
    {
        ArgumentNullException.ThrowIfNull(values);
        var prefix = KazooNames.Combine(_entriesPath, KazooNames.QueueEntryPrefix(priority));
        return [.. values.Select(value => (Op)Op.Create(
            prefix, value ?? throw new ArgumentException("Values must not be null.", nameof(values)), _options.Acl, CreateMode.PersistentSequential))];
    }

    /// <summary>Deletes of the given entries, for a caller that drains them in a transaction of its own.</summary>
    public IReadOnlyList<Op> DeleteOps(IEnumerable<QueueItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return [.. items.Select(item => (Op)Op.Delete(KazooNames.Combine(_entriesPath, item.Name)))];
    }

    /// <summary>
    /// Every entry with its data, in queue order, read with the listing's child watches armed (see
    /// <see cref="ArmChangeSignal"/>); taken ones only with <paramref name="includeTaken"/>. Deletes nothing.
    /// </summary>
    public async Task<IReadOnlyList<QueueItem>> PeekAsync(bool includeTaken = false, CancellationToken cancellationToken = default)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        var listing = await ListAsync(cancellationToken).ConfigureAwait(false);
        var names = listing.Entries.Where(name => includeTaken || !listing.Taken.Contains(name)).ToList();
        var items = new List<QueueItem>(names.Count);
        foreach (var chunk in names.Chunk(ReadChunk))
        {
            var values = await Task.WhenAll(chunk.Select(name => ReadEntryAsync(name, cancellationToken))).ConfigureAwait(false);
            items.AddRange(chunk.Zip(values).Where(pair => pair.Second is not null).Select(pair => new QueueItem(pair.First, pair.Second!)));
        }

        return items;
    }

    /// <summary>Arms the change signal: the returned task completes on the next child event of <c>entries</c> or
    /// <c>taken</c> after a call that lists them (<see cref="PeekAsync"/>, <see cref="CountAsync"/> with a watch).</summary>
    public Task<WatchedEvent> ArmChangeSignal() => _changed.Arm();

    /// <summary>numChildren of <c>entries</c> (taken ones included, as kazoo's <c>len</c>); with <paramref name="watch"/>
    /// a child watch on <c>entries</c> is armed.</summary>
    public async Task<int> CountAsync(bool watch = false, CancellationToken cancellationToken = default)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        if (watch)
        {
            var children = await _retry.ExecuteAsync(
                token => _client.GetChildrenAsync(_entriesPath, _changed.Watcher, token), cancellationToken).ConfigureAwait(false);
            return children.Stat.NumChildren;
        }

        var stat = await _retry.ExecuteAsync(token => _client.ExistsAsync(_entriesPath, null, token), cancellationToken).ConfigureAwait(false);
        return stat?.NumChildren ?? 0;
    }

    /// <summary>Creates <c>taken</c>, then <c>entries</c> (kazoo's order), once per instance (again after the queue was deleted).</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        if (_pathsEnsured)
        {
            return;
        }

        await _client.EnsurePathAsync(_takenPath, _options.Acl, _retry, cancellationToken).ConfigureAwait(false);
        await _client.EnsurePathAsync(_entriesPath, _options.Acl, _retry, cancellationToken).ConfigureAwait(false);
        _pathsEnsured = true;
    }

    /// <summary>
    /// Creates <c>taken/&lt;name&gt;</c> (our id, ephemeral) in one transaction with a check that <c>entries/&lt;name&gt;</c>
    /// exists, so an entry consumed since our listing costs one failed request and leaves no taken node; with
    /// <paramref name="read"/> the entry's data is read in the same round trip.
    /// </summary>
    internal async Task<(ClaimOutcome Outcome, byte[]? Data)> ClaimAsync(string name, bool read, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, name);
        var entryNode = KazooNames.Combine(_entriesPath, name);
        var session = _client.SessionId;
        var (outcome, data) = await _retry.ExecuteAsync(
            async token =>
            {
                var claim = _client.MultiAsync([Op.Check(entryNode, -1), Op.Create(takenNode, _id, _options.Acl, CreateMode.Ephemeral)], token);

                // The server answers a session's requests in order: this read sees the transaction's outcome.
                var reading = read ? _client.GetDataAsync(entryNode, null, token) : null;
                try
                {
                    await claim.ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is NodeExistsException or NoNodeException)
                {
                    await ObserveQuietlyAsync(reading).ConfigureAwait(false);
                    return (exception is NodeExistsException ? ClaimOutcome.Held : ClaimOutcome.Gone, (byte[]?)null);
                }
                catch
                {
                    await ObserveQuietlyAsync(reading).ConfigureAwait(false);
                    throw;
                }

                try
                {
                    return (ClaimOutcome.Claimed, reading is null ? null : (await reading.ConfigureAwait(false)).Data);
                }
                catch (NoNodeException)
                {
                    return (ClaimOutcome.Claimed, null);
                }
            },
            async token =>
            {
                // The taken node is ours exactly when it carries our id and belongs to our session.
                var version = await OurVersionAsync(takenNode, sync: true, token).ConfigureAwait(false);
                if (version is not null)
                {
                    return Settlement<(ClaimOutcome, byte[]?)>.Known((ClaimOutcome.Claimed, null));
                }

                return await _client.ExistsAsync(takenNode, null, token).ConfigureAwait(false) is null
                    ? Settlement<(ClaimOutcome, byte[]?)>.NotApplied
                    : Settlement<(ClaimOutcome, byte[]?)>.Known((ClaimOutcome.Held, null));
            },
            cancellationToken).ConfigureAwait(false);
        if (outcome != ClaimOutcome.Claimed)
        {
            return (outcome, null);
        }

        if (session != 0 && session == _client.SessionId)
        {
            lock (_claimedGate)
            {
                _claimed[name] = session;
            }
        }

        if (read && data is null)
        {
            // Claimed with the read's reply lost, or the entry deleted right after by someone not holding it.
            data = await ReadEntryAsync(name, cancellationToken).ConfigureAwait(false);
            if (data is null)
            {
                _logger.LogDebug("Queue {Path}: {Name} was deleted right after we claimed it", Path, name);
                await ReleaseOneAsync(name, cancellationToken).ConfigureAwait(false);
                return (ClaimOutcome.Gone, null);
            }
        }

        return (ClaimOutcome.Claimed, data);
    }

    private async Task<List<QueueItem>> TakeFromCandidatesAsync(
        int maxItems, Func<QueueItem, QueueItem, bool>? belongsWith, Func<QueueItem, bool>? accept, CancellationToken cancellationToken)
    {
        var chosen = new List<(string Name, byte[]? Data)>();
        var gone = 0;
        var held = 0;
        if (belongsWith is null && accept is null)
        {
            while (chosen.Count < maxItems && _candidates.TryNext(out var name))
            {
                chosen.Add((name, _peeked.GetValueOrDefault(name)));
            }
        }
        else
        {
            // Entry data never changes, so it can be read before taking, to pick a batch that belongs together.
            var passedOver = new List<string>();
            var lookAhead = maxItems > int.MaxValue / 2 ? int.MaxValue : maxItems * 2;
            var looked = 0;
            while (chosen.Count < maxItems && looked < lookAhead && _candidates.Count > 0)
            {
                var window = new List<string>();
                var wanted = Math.Min(maxItems - chosen.Count, lookAhead - looked);
                while (window.Count < wanted && _candidates.TryNext(out var name))
                {
                    window.Add(name);
                }

                looked += window.Count;
                var values = await Task.WhenAll(window.Select(name => PeekOneAsync(name, cancellationToken))).ConfigureAwait(false);
                for (var i = 0; i < window.Count; i++)
                {
                    if (values[i] is not { } value)
                    {
                        gone++;
                        continue;
                    }

                    _peeked[window[i]] = value;
                    var item = new QueueItem(window[i], value);
                    if (accept is not null && !accept(item))
                    {
                        // Not wanted by this caller: dropped from the candidates until the next listing.
                        continue;
                    }

                    if (chosen.Count < maxItems && (chosen.Count == 0 || belongsWith is null || belongsWith(new QueueItem(chosen[0].Name, chosen[0].Data!), item)))
                    {
                        chosen.Add((window[i], value));
                    }
                    else
                    {
                        passedOver.Add(window[i]);
                    }
                }
            }

            _candidates.Return(passedOver);
        }

        // A claim is one request: once sent it is seen through (a cancelled wait could leave a taken node nobody consumes).
        var claims = await Task.WhenAll(chosen.Select(c => ClaimAsync(c.Name, c.Data is null, CancellationToken.None))).ConfigureAwait(false);
        var taken = new List<QueueItem>();
        for (var i = 0; i < chosen.Count; i++)
        {
            _peeked.Remove(chosen[i].Name);
            if (claims[i].Outcome == ClaimOutcome.Claimed)
            {
                taken.Add(new QueueItem(chosen[i].Name, chosen[i].Data ?? claims[i].Data!));
            }
            else
            {
                if (claims[i].Outcome == ClaimOutcome.Held)
                {
                    held++;
                }
                else
                {
                    gone++;
                }
            }
        }

        OnClaims(taken.Count, gone, held);
        if (cancellationToken.IsCancellationRequested && taken.Count > 0)
        {
            await ReleaseAsync(taken, CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return taken;
    }

    /// <summary>
    /// After a round of claims. Names found gone mean the listing is out of date: after <see cref="StaleAfterMisses"/>
    /// of them in a row (or four times as many misses of any kind) the rest is dropped and the next take lists again.
    /// A claim lost to another taker means someone works right here (others listed when we did): go elsewhere, to a
    /// random name of the same priority. A name merely gone leaves the order alone, so one taker behind another still
    /// takes entries in queue order.
    /// </summary>
    private void OnClaims(int taken, int gone, int held)
    {
        Misses += gone + held;
        _othersTaking |= held > 0;
        _goneInARow = taken > 0 ? 0 : _goneInARow + gone;
        _missesInARow = taken > 0 ? 0 : _missesInARow + gone + held;
        if (_goneInARow >= StaleAfterMisses || _missesInARow >= 4 * StaleAfterMisses)
        {
            _logger.LogDebug("Queue {Path}: {Misses} claims in a row missed; listing again next time", Path, _missesInARow);
            _candidates.Clear();
            _goneInARow = 0;
            _missesInARow = 0;
        }
        else if (held > 0)
        {
            _candidates.Scatter();
        }
    }

    /// <summary>The entry's data (from the cache when read before); null when it is gone. Runs alongside its
    /// siblings, so it only reads the cache (the caller stores what it read).</summary>
    private async Task<byte[]?> PeekOneAsync(string name, CancellationToken cancellationToken) =>
        _peeked.TryGetValue(name, out var cached) ? cached : await ReadEntryAsync(name, cancellationToken).ConfigureAwait(false);

    /// <summary>Lists both children with watches and makes the free entries the candidates, in queue order; for a
    /// taker of many (<paramref name="spread"/>) once others take too, from a random name of the first priority, so
    /// batch takers that list together do not all claim the same run. Keeps the data read of entries still listed.</summary>
    private async Task RelistAsync(bool spread, CancellationToken cancellationToken)
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

        var free = listing.Entries.Where(name => !listing.Taken.Contains(name)).ToArray();
        _candidates.Reset(free);
        _othersTaking |= listing.Taken.Any(name => !ClaimedInThisSession(name));
        if (spread && _othersTaking)
        {
            _candidates.Scatter();
        }

        _goneInARow = 0;
        _missesInARow = 0;
        Listings++;
        _logger.LogDebug("Queue {Path}: listed {Free} free of {Entries} entries", Path, free.Length, listing.Entries.Count);
    }

    /// <summary>Both child lists, with watches (so a change wakes a waiter), entries sorted as kazoo sorts them
    /// (as strings: priority, then sequence). A queue deleted and rebuilt meanwhile is ensured again.</summary>
    private async Task<Listing> ListAsync(CancellationToken cancellationToken)
    {
        ChildrenResult[] results;
        try
        {
            results = await ListBothAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            _pathsEnsured = false;
            await EnsureAsync(cancellationToken).ConfigureAwait(false);
            results = await ListBothAsync(cancellationToken).ConfigureAwait(false);
        }

        var entries = results[0].Children.ToList();
        entries.Sort(StringComparer.Ordinal);
        return new Listing(entries, new HashSet<string>(results[1].Children, StringComparer.Ordinal), results[0].Stat.Czxid);
    }

    private Task<ChildrenResult[]> ListBothAsync(CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(token => Task.WhenAll(
            _client.GetChildrenAsync(_entriesPath, _changed.Watcher, token),
            _client.GetChildrenAsync(_takenPath, _changed.Watcher, token)), cancellationToken);

    private async Task<byte[]?> ReadEntryAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await _retry.ExecuteAsync(
                token => _client.GetDataAsync(KazooNames.Combine(_entriesPath, name), null, token), cancellationToken).ConfigureAwait(false)).Data;
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    private async Task PutMarkedAsync(IReadOnlyList<Op> operations, string marker, CancellationToken cancellationToken)
    {
        try
        {
            await _retry.ExecuteAsync(
                async token =>
                {
                    await _client.MultiAsync(operations, token).ConfigureAwait(false);
                    return true;
                },
                async token =>
                {
                    await _client.SyncAsync(Path, token).ConfigureAwait(false);
                    return await _client.ExistsAsync(marker, null, token).ConfigureAwait(false) is null
                        ? Settlement<bool>.NotApplied
                        : Settlement<bool>.Known(true);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException) when (_pathsEnsured)
        {
            // The queue was deleted since we ensured it (a new run rebuilds it): ensure it again, once.
            _pathsEnsured = false;
            await EnsureAsync(cancellationToken).ConfigureAwait(false);
            await PutMarkedAsync(operations, marker, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Once applied, the marker has done its job (and the queue looks as kazoo's would).
        await _retry.ExecuteAsync(token => DeleteQuietlyAsync(marker, -1, token), CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<bool> ConsumeOneAsync(QueueItem item, IReadOnlyList<Op> alongside, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, item.Name);
        var entryNode = KazooNames.Combine(_entriesPath, item.Name);
        var claimedHere = ClaimedInThisSession(item.Name);
        try
        {
            return await _retry.ExecuteAsync(
                token => TryConsumeAsync(item.Name, claimedHere, alongside, token),
                async token =>
                {
                    // Still ours: the transaction did not happen. Gone with the entry: it did. Anything else: no longer ours.
                    if (await OurVersionAsync(takenNode, sync: true, token).ConfigureAwait(false) is not null)
                    {
                        return Settlement<bool>.NotApplied;
                    }

                    return Settlement<bool>.Known(await _client.ExistsAsync(entryNode, null, token).ConfigureAwait(false) is null);
                },
                cancellationToken).ConfigureAwait(false);
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
    private async Task<bool> TryConsumeAsync(string name, bool claimedHere, IReadOnlyList<Op> alongside, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, name);
        if (claimedHere)
        {
            try
            {
                return await DeleteEntryAndTakenAsync(name, CreatedVersion, alongside, cancellationToken).ConfigureAwait(false);
            }
            catch (BadVersionException exception) when (exception.FailedOperationIndex == 0)
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
            return await DeleteEntryAndTakenAsync(name, version, alongside, cancellationToken).ConfigureAwait(false);
        }
        catch (BadVersionException exception) when (exception.FailedOperationIndex == 0)
        {
            _logger.LogWarning("Queue {Path}: entry {Name} changed hands while being consumed; not consumed", Path, name);
            return false;
        }
    }

    /// <summary>One transaction: check <c>taken/&lt;name&gt;</c> is at <paramref name="takenVersion"/>, delete the entry,
    /// delete the taken node, then <paramref name="alongside"/>.</summary>
    private async Task<bool> DeleteEntryAndTakenAsync(string name, int takenVersion, IReadOnlyList<Op> alongside, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, name);
        var entryNode = KazooNames.Combine(_entriesPath, name);
        try
        {
            await _client.MultiAsync([Op.Check(takenNode, takenVersion), Op.Delete(entryNode), Op.Delete(takenNode), .. alongside], cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (NoNodeException exception) when (exception.FailedOperationIndex == 1)
        {
            // Our taken node stands but the entry is gone (deleted by someone not holding it): do not leave the taken node.
            _logger.LogWarning("Queue {Path}: entry {Name} vanished before it was consumed", Path, name);
            await DeleteQuietlyAsync(takenNode, takenVersion, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (NoNodeException exception) when (exception.FailedOperationIndex == 0)
        {
            _logger.LogWarning("Queue {Path}: entry {Name} is no longer ours (its taken node is gone); not consumed", Path, name);
            return false;
        }
    }

    private async Task<bool> ReleaseOneAsync(string name, CancellationToken cancellationToken)
    {
        var takenNode = KazooNames.Combine(_takenPath, name);
        var claimedHere = ClaimedInThisSession(name);
        try
        {
            return await _retry.ExecuteAsync(async (attempt, token) =>
            {
                if (claimedHere)
                {
                    try
                    {
                        await _client.DeleteAsync(takenNode, CreatedVersion, token).ConfigureAwait(false);
                        return true;
                    }
                    catch (NoNodeException)
                    {
                        // Gone already: deleted by an earlier attempt whose reply was lost, or by our session's end.
                        return attempt.IsRetry;
                    }
                    catch (BadVersionException)
                    {
                        // Modified by someone: decide by what it holds now.
                    }
                }

                if (await OurVersionAsync(takenNode, sync: false, token).ConfigureAwait(false) is not { } version)
                {
                    return false;
                }

                await DeleteQuietlyAsync(takenNode, version, token).ConfigureAwait(false);
                return true;
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

    /// <summary>The taken node's version when it carries our id and belongs to our session, else null. <paramref name="sync"/>
    /// first catches up with the leader (after a lost reply our server may not have seen our own write yet).</summary>
    private async Task<int?> OurVersionAsync(string takenNode, bool sync, CancellationToken cancellationToken)
    {
        if (sync)
        {
            await _client.SyncAsync(takenNode, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var data = await _client.GetDataAsync(takenNode, null, cancellationToken).ConfigureAwait(false);
            return data.Data.AsSpan().SequenceEqual(_id) && data.Stat.EphemeralOwner == _client.SessionId ? data.Stat.Version : null;
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>Deletes <paramref name="path"/> only at <paramref name="version"/> (-1: any): a node recreated by someone else stays.</summary>
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

    private static async Task ObserveQuietlyAsync(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ZooKeeperException or OperationCanceledException or ObjectDisposedException)
        {
            // Only its outcome mattered, and that came with the transaction's.
        }
    }

    private sealed record Listing(List<string> Entries, HashSet<string> Taken, long EntriesCzxid);
}
