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
/// <item>Claim: one transaction for a whole batch (per entry: check it exists, create its taken node); its data read
/// in one multiRead. Consume: one transaction for a whole batch (per entry: check the taken node's version, delete
/// entry and taken node, plus what the caller adds, e.g. the put of a completion), so the caller's write happens
/// exactly when the entry goes. A transaction of N creates leaves the same nodes as kazoo's N creates.</item>
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

    /// <summary>Entries claimed (two operations each) or consumed in one transaction at most.</summary>
    private const int ClaimChunk = 256;

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

    /// <summary>The last listing found entries, none of them free.</summary>
    private bool _allTaken;
    private bool _pathsEnsured;

    /// <summary>The change signal armed before a <see cref="PeekUnlessStillEmptyAsync"/> listing that found nothing: pending
    /// while the queue has not changed since.</summary>
    private Task? _emptySince;

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

    /// <summary>The <c>entries</c> child: the queue's entries.</summary>
    public string EntriesPath => _entriesPath;

    /// <summary>The <c>taken</c> child: one ephemeral node per entry taken.</summary>
    public string TakenPath => _takenPath;

    /// <summary>This instance's id (uuid4 hex): the data of the taken nodes it creates.</summary>
    public string Id { get; }

    /// <summary>
    /// How long a take waits before it lists again after a change, when its last listing found entries but every one
    /// taken (zero, the default: lists at once). That is the end of a session: the entries left are in others' hands,
    /// every claim and consume of theirs wakes every idle taker, and none of them frees an entry (only a release or an
    /// ended session does). One listing per taker for a burst of them; a put is seen at most this late.
    /// </summary>
    public TimeSpan AllTakenSettle { get; set; }

    /// <summary>
    /// Every listing's takes start at a random free entry of the first priority, not at the first one, even for a taker
    /// of one entry and before others were seen taking: for a queue of interchangeable entries many take from at once
    /// (destination slots), where takers that listed together would otherwise all claim the same first entry and all
    /// but one fail (a failed write each, and a listing).
    /// </summary>
    public bool TakeAnywhere { get; set; }

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

                    if (changed is not null && _allTaken && AllTakenSettle > TimeSpan.Zero)
                    {
                        await SettleAsync(started, timeout, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Waits <see cref="AllTakenSettle"/>, at most until <paramref name="timeout"/>.</summary>
    private async Task SettleAsync(long started, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var wait = AllTakenSettle;
        if (timeout is { } limit && limit != Timeout.InfiniteTimeSpan)
        {
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks, (limit - _options.TimeProvider.GetElapsedTime(started)).Ticks));
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
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

        // Taken nodes this instance created in this session are known (version 0): consumed together, one transaction
        // for many. Others (claimed in an earlier session of ours, or by another instance with our id) one by one.
        var together = items.Where(item => ClaimedInThisSession(item.Name)).ToList();
        var alone = items.Where(item => !ClaimedInThisSession(item.Name)).ToList();
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        var singles = Task.WhenAll(alone.Select(item => ConsumeOneAsync(item, alongside(item), cancellationToken)));
        try
        {
            foreach (var group in ConsumeGroups(together, alongside))
            {
                foreach (var item in await ConsumeTogetherAsync(group, cancellationToken).ConfigureAwait(false))
                {
                    consumed.Add(item.Name);
                }
            }
        }
        finally
        {
            foreach (var item in together)
            {
                Forget(item.Name);
            }

            var results = await singles.ConfigureAwait(false);
            for (var i = 0; i < alone.Count; i++)
            {
                if (results[i])
                {
                    consumed.Add(alone[i].Name);
                }
            }
        }

        return [.. items.Where(item => consumed.Contains(item.Name))];
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

    /// <summary>
    /// The delete of <paramref name="item"/>'s taken node, for a caller that gives the entry back in a transaction of its
    /// own (with the consume of another queue's batch, say); <see cref="Released"/> once that transaction applied. Null when
    /// this instance did not claim it in the current session (give it back with <see cref="ReleaseAsync"/>).
    /// </summary>
    public IReadOnlyList<Op>? ReleaseOps(QueueItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ClaimedInThisSession(item.Name) ? [Op.Delete(KazooNames.Combine(_takenPath, item.Name), CreatedVersion)] : null;
    }

    /// <summary>The transaction carrying <see cref="ReleaseOps"/> applied: the entry is no longer ours.</summary>
    public void Released(QueueItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        Forget(item.Name);
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
        var values = await ReadEntriesAsync(names, cancellationToken).ConfigureAwait(false);
        items.AddRange(names.Zip(values).Where(pair => pair.Second is not null).Select(pair => new QueueItem(pair.First, pair.Second!)));

        return items;
    }

    /// <summary>
    /// <see cref="PeekAsync"/> (free entries only), except that once a listing found none, the queue is not listed again
    /// until a child event of <c>entries</c> or <c>taken</c> (the watches that listing set) says it changed: a reader woken
    /// by other queues' changes would otherwise list an idle queue twice per wake. A skipped listing may miss a change
    /// whose event is still on its way (a callback may run after the reply that follows its event), so a reader that must see
    /// everything up to now (a last count) passes <paramref name="listAnyway"/>.
    /// </summary>
    public async Task<IReadOnlyList<QueueItem>> PeekUnlessStillEmptyAsync(bool listAnyway = false, CancellationToken cancellationToken = default)
    {
        if (!listAnyway && _emptySince is { IsCompleted: false })
        {
            return [];
        }

        var changed = _changed.Arm();
        var items = await PeekAsync(false, cancellationToken).ConfigureAwait(false);
        _emptySince = items.Count == 0 ? changed : null;
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

        await _client.EnsurePathAsync(_takenPath, _options, cancellationToken).ConfigureAwait(false);
        await _client.EnsurePathAsync(_entriesPath, _options, cancellationToken).ConfigureAwait(false);
        _pathsEnsured = true;
    }

    /// <summary>
    /// Creates <c>taken/&lt;name&gt;</c> (our id, ephemeral) in one transaction with a check that <c>entries/&lt;name&gt;</c>
    /// exists (see <see cref="ClaimManyAsync"/>), so an entry consumed since our listing costs one failed request and
    /// leaves no taken node; with <paramref name="read"/> the entry's data is read afterwards.
    /// </summary>
    internal async Task<(ClaimOutcome Outcome, byte[]? Data)> ClaimAsync(string name, bool read, CancellationToken cancellationToken)
    {
        var outcome = (await ClaimManyAsync([name], cancellationToken).ConfigureAwait(false))[0];
        if (outcome != ClaimOutcome.Claimed || !read)
        {
            return (outcome, null);
        }

        if (await ReadEntryAsync(name, cancellationToken).ConfigureAwait(false) is { } data)
        {
            return (ClaimOutcome.Claimed, data);
        }

        // Deleted right after we claimed it, by someone not holding it.
        _logger.LogDebug("Queue {Path}: {Name} was deleted right after we claimed it", Path, name);
        await ReleaseOneAsync(name, cancellationToken).ConfigureAwait(false);
        return (ClaimOutcome.Gone, null);
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
                var values = await PeekManyAsync(window, cancellationToken).ConfigureAwait(false);
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
        var claims = await ClaimManyAsync([.. chosen.Select(c => c.Name)], CancellationToken.None).ConfigureAwait(false);
        var unread = chosen.Where((c, i) => claims[i] == ClaimOutcome.Claimed && c.Data is null).Select(c => c.Name).ToList();
        var read = unread.Zip(await ReadEntriesAsync(unread, CancellationToken.None).ConfigureAwait(false))
            .ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
        var taken = new List<QueueItem>();
        for (var i = 0; i < chosen.Count; i++)
        {
            _peeked.Remove(chosen[i].Name);
            if (claims[i] == ClaimOutcome.Claimed && (chosen[i].Data ?? read[chosen[i].Name]) is { } data)
            {
                taken.Add(new QueueItem(chosen[i].Name, data));
            }
            else if (claims[i] == ClaimOutcome.Claimed)
            {
                // Deleted right after we claimed it, by someone not holding it: give the taken node back.
                _logger.LogDebug("Queue {Path}: {Name} was deleted right after we claimed it", Path, chosen[i].Name);
                await ReleaseOneAsync(chosen[i].Name, CancellationToken.None).ConfigureAwait(false);
                gone++;
            }
            else
            {
                if (claims[i] == ClaimOutcome.Held)
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

    /// <summary>The entries' data (from the cache when read before, the rest in one request); null for one that is
    /// gone. Only reads the cache (the caller stores what it keeps).</summary>
    private async Task<byte[]?[]> PeekManyAsync(List<string> names, CancellationToken cancellationToken)
    {
        var values = names.Select(name => _peeked.GetValueOrDefault(name)).ToArray();
        var missing = Enumerable.Range(0, names.Count).Where(i => values[i] is null).ToList();
        var read = await ReadEntriesAsync([.. missing.Select(i => names[i])], cancellationToken).ConfigureAwait(false);
        for (var j = 0; j < missing.Count; j++)
        {
            values[missing[j]] = read[j];
        }

        return values;
    }

    /// <summary>The data of the named entries, in order (null for one that is gone), in one request per chunk.</summary>
    private async Task<byte[]?[]> ReadEntriesAsync(IReadOnlyList<string> names, CancellationToken cancellationToken) =>
        [.. (await _client.ReadManyAsync([.. names.Select(name => KazooNames.Combine(_entriesPath, name))], _retry, cancellationToken).ConfigureAwait(false))
            .Select(result => result?.Data)];

    /// <summary>
    /// Claims the named entries in as few transactions as fit (normally one): per entry a check that it exists and
    /// the create of its taken node. An entry another taker holds (NodeExists) or that is gone (NoNode) fails the
    /// transaction at its operation: it is set aside and the rest sent again. A lost reply is settled by the first
    /// entry's taken node (the transaction is all or nothing): ours, it happened; else it is sent again. After a failed
    /// transaction both children are listed once, so every entry taken or consumed meanwhile is set aside at once.
    /// </summary>
    internal async Task<ClaimOutcome[]> ClaimManyAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var outcomes = new ClaimOutcome[names.Count];
        var session = _client.SessionId;
        foreach (var chunk in Enumerable.Range(0, names.Count).Chunk(ClaimChunk))
        {
            var pending = chunk.ToList();
            while (pending.Count > 0)
            {
                var operations = pending.SelectMany(i => new Op[]
                {
                    Op.Check(KazooNames.Combine(_entriesPath, names[i]), -1),
                    Op.Create(KazooNames.Combine(_takenPath, names[i]), _id, _options.Acl, CreateMode.Ephemeral),
                }).ToList();
                var firstTaken = KazooNames.Combine(_takenPath, names[pending[0]]);
                try
                {
                    await _retry.ExecuteAsync(
                        async token =>
                        {
                            await _client.MultiAsync(operations, token).ConfigureAwait(false);
                            return true;
                        },
                        async token => await OurVersionAsync(firstTaken, sync: true, token).ConfigureAwait(false) is not null
                            ? Settlement<bool>.Known(true)
                            : Settlement<bool>.NotApplied,
                        cancellationToken).ConfigureAwait(false);
                }
                catch (ZooKeeperException exception) when (
                    exception is NodeExistsException or NoNodeException && exception.FailedOperationIndex is { } failed && failed / 2 < pending.Count)
                {
                    var index = pending[exception.FailedOperationIndex!.Value / 2];
                    outcomes[index] = exception is NodeExistsException ? ClaimOutcome.Held : ClaimOutcome.Gone;
                    pending.Remove(index);

                    // Others took or consumed entries since our listing, usually a run of them: one read (no fsync on the
                    // server, unlike a failed transaction) sets aside every other one before sending the rest again.
                    var listing = await ListAsync(cancellationToken).ConfigureAwait(false);
                    var listed = new HashSet<string>(listing.Entries, StringComparer.Ordinal);
                    foreach (var i in pending.Where(i => !listed.Contains(names[i]) || listing.Taken.Contains(names[i])).ToList())
                    {
                        outcomes[i] = listed.Contains(names[i]) ? ClaimOutcome.Held : ClaimOutcome.Gone;
                        pending.Remove(i);
                    }

                    continue;
                }

                foreach (var i in pending)
                {
                    outcomes[i] = ClaimOutcome.Claimed;
                    if (session != 0 && session == _client.SessionId)
                    {
                        lock (_claimedGate)
                        {
                            _claimed[names[i]] = session;
                        }
                    }
                }

                break;
            }
        }

        return outcomes;
    }

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
        _allTaken = free.Length == 0 && listing.Entries.Count > 0;
        _candidates.Reset(free);
        _othersTaking |= listing.Taken.Any(name => !ClaimedInThisSession(name));
        if ((spread && _othersTaking) || TakeAnywhere)
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
            _options.KnownNodes?.ForgetUnder(Path);
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
            _options.KnownNodes?.ForgetUnder(Path);
            await EnsureAsync(cancellationToken).ConfigureAwait(false);
            await PutMarkedAsync(operations, marker, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Once applied, the marker has done its job (and the queue looks as kazoo's would).
        await _retry.ExecuteAsync(token => DeleteQuietlyAsync(marker, -1, token), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The entries with their operations, in groups that each fit one transaction (an entry is never split).</summary>
    private List<List<(QueueItem Item, IReadOnlyList<Op> Operations)>> ConsumeGroups(List<QueueItem> items, Func<QueueItem, IReadOnlyList<Op>> alongside)
    {
        var groups = new List<List<(QueueItem, IReadOnlyList<Op>)>>();
        var group = new List<(QueueItem, IReadOnlyList<Op>)>();
        int bytes = 0, count = 0;
        foreach (var item in items)
        {
            IReadOnlyList<Op> operations =
            [
                Op.Check(KazooNames.Combine(_takenPath, item.Name), CreatedVersion),
                Op.Delete(KazooNames.Combine(_entriesPath, item.Name)),
                Op.Delete(KazooNames.Combine(_takenPath, item.Name)),
                .. alongside(item),
            ];
            var size = operations.Sum(TransactionSize.Of);
            if (group.Count > 0 && (bytes + size > TransactionSize.MaxBytes || count + operations.Count > TransactionSize.MaxOperations || group.Count >= ClaimChunk))
            {
                groups.Add(group);
                group = [];
                bytes = 0;
                count = 0;
            }

            group.Add((item, operations));
            bytes += size;
            count += operations.Count;
        }

        if (group.Count > 0)
        {
            groups.Add(group);
        }

        return groups;
    }

    /// <summary>
    /// One transaction for the group: per entry a check of its taken node at version 0, the deletes of entry and taken
    /// node, and what the caller adds. An entry whose check or entry delete fails is set aside (no longer ours, or
    /// vanished: its taken node deleted), an entry whose taken node was modified is consumed alone after reading it, and
    /// the rest is sent again. A lost reply is settled by the first entry: its taken node still ours, the transaction did
    /// not happen; its entry gone, it did (all or nothing).
    /// </summary>
    private async Task<List<QueueItem>> ConsumeTogetherAsync(List<(QueueItem Item, IReadOnlyList<Op> Operations)> group, CancellationToken cancellationToken)
    {
        var pending = group.ToList();
        var consumed = new List<QueueItem>();
        while (pending.Count > 0)
        {
            var operations = pending.SelectMany(entry => entry.Operations).ToList();
            var first = pending[0].Item.Name;
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
                        if (await OurVersionAsync(KazooNames.Combine(_takenPath, first), sync: true, token).ConfigureAwait(false) is not null)
                        {
                            return Settlement<bool>.NotApplied;
                        }

                        // Gone with the entry: it happened. Entry still there: the taken node is no longer ours, and sending
                        // it again sets that entry aside.
                        return await _client.ExistsAsync(KazooNames.Combine(_entriesPath, first), null, token).ConfigureAwait(false) is null
                            ? Settlement<bool>.Known(true)
                            : Settlement<bool>.NotApplied;
                    },
                    cancellationToken).ConfigureAwait(false);
                consumed.AddRange(pending.Select(entry => entry.Item));
                return consumed;
            }
            catch (ZooKeeperException exception) when (exception.FailedOperationIndex is { } failedIndex && failedIndex < operations.Count)
            {
                var (index, offset) = Locate(pending, failedIndex);
                var (item, alongside) = (pending[index].Item, pending[index].Operations.Skip(3).ToList());
                switch (exception, offset)
                {
                    case (BadVersionException, 0):
                        // Modified by someone: decide by what it holds now, alone.
                        pending.RemoveAt(index);
                        if (await ConsumeOneAsync(item, alongside, cancellationToken).ConfigureAwait(false))
                        {
                            consumed.Add(item);
                        }

                        break;
                    case (NoNodeException, 0):
                        _logger.LogWarning("Queue {Path}: entry {Name} is no longer ours (its taken node is gone); not consumed", Path, item.Name);
                        pending.RemoveAt(index);
                        break;
                    case (NoNodeException, 1):
                        // Our taken node stands but the entry is gone (deleted by someone not holding it): do not leave the taken node.
                        _logger.LogWarning("Queue {Path}: entry {Name} vanished before it was consumed", Path, item.Name);
                        await _retry.ExecuteAsync(
                            token => DeleteQuietlyAsync(KazooNames.Combine(_takenPath, item.Name), CreatedVersion, token), cancellationToken).ConfigureAwait(false);
                        pending.RemoveAt(index);
                        break;
                    default:
                        throw;
                }
            }
        }

        return consumed;
    }

    /// <summary>Which entry of <paramref name="pending"/> the transaction's operation <paramref name="failedIndex"/> belongs to, and its place there.</summary>
    private static (int Index, int Offset) Locate(List<(QueueItem Item, IReadOnlyList<Op> Operations)> pending, int failedIndex)
    {
        var at = failedIndex;
        for (var i = 0; i < pending.Count; i++)
        {
            if (at < pending[i].Operations.Count)
            {
                return (i, at);
            }

            at -= pending[i].Operations.Count;
        }

        throw new ArgumentOutOfRangeException(nameof(failedIndex));
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
