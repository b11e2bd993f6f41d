using ZkSync.Contracts;
using ZkSync.Worker.Walk;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// What our master keeps in ZooKeeper so that another worker can take the session over (our additions to the
/// wire format, docs/PROTOCOL.md): <c>S/progress</c> (<see cref="SessionProgress"/>: the counts), <c>S/walkcursor</c>
/// (the last path entry queued) and <c>S/failures</c> (every failed path with its error). Every change of the
/// queue the master makes goes in one transaction with the progress document that counts it, checked against the
/// version this master last wrote (the progress node is the transaction's <see cref="VersionMarker"/>), so the
/// counts are never ahead or behind the queue, a lost reply is settled by that version (one more: it happened;
/// the same: send again), and a master that was replaced (its version is stale) cannot write:
/// <see cref="MasterReplacedException"/>.
/// </summary>
internal sealed class MasterState
{
    private readonly WorkerSession _session;
    private readonly VersionMarker _progress;
    private readonly string _cursorPath;
    private readonly Dictionary<string, FailureRecord> _failures = new(StringComparer.Ordinal);

    private MasterState(WorkerSession session, SessionProgress progress, int progressVersion, byte[] cursor)
    {
        _session = session;
        _progress = new VersionMarker(session.Client, ZnodeLayout.Progress(session.Name), progressVersion, session.Retry);
        _cursorPath = ZnodeLayout.WalkCursor(session.Name);
        Progress = progress;
        Cursor = cursor;
    }

    /// <summary>The progress document as last written.</summary>
    public SessionProgress Progress { get; private set; }

    /// <summary>The last path entry queued by the walk (empty before the first).</summary>
    public byte[] Cursor { get; private set; }

    /// <summary>Every failure record read so far, in the order they were made.</summary>
    public IReadOnlyList<FailureRecord> Failures =>
        [.. _failures.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value)];

    /// <summary>A fresh session: writes the first progress document and an empty cursor, with <paramref name="alsoCreate"/>
    /// (persistent nodes: watch/ready, which lets the workers in) in the same transaction, and ensures the failures node.</summary>
    public static async Task<MasterState> CreateAsync(
        WorkerSession session, IReadOnlyList<(string Path, byte[] Data)> alsoCreate, CancellationToken cancellationToken)
    {
        var now = session.Time.GetUtcNow();
        var progress = new SessionProgress(0, false, 0, 0, 0, 0, EmptyStats(), [], 0, now, session.WhoAmI) { StartedAt = now };

        // The progress document first: stamped with the time and our whoami, it tells a retry whether the transaction applied.
        await session.CreateTogetherAsync(
            [(ZnodeLayout.Progress(session.Name), progress.ToJsonBytes()), (ZnodeLayout.WalkCursor(session.Name), []), .. alsoCreate],
            cancellationToken).ConfigureAwait(false);
        await session.EnsurePathAsync(ZnodeLayout.Failures(session.Name), cancellationToken).ConfigureAwait(false);
        return new MasterState(session, progress, 0, []);
    }

    /// <summary>The state a previous master of ours left, or null when there is none (an original master's session).</summary>
    public static async Task<MasterState?> LoadAsync(WorkerSession session, CancellationToken cancellationToken)
    {
        var progressNode = await session.ReadAsync(ZnodeLayout.Progress(session.Name), cancellationToken).ConfigureAwait(false);
        if (progressNode is null || SessionProgress.FromJson(progressNode.Data) is not { } progress)
        {
            return null;
        }

        var cursor = await session.ReadAsync(ZnodeLayout.WalkCursor(session.Name), cancellationToken).ConfigureAwait(false);
        await session.EnsurePathAsync(ZnodeLayout.Failures(session.Name), cancellationToken).ConfigureAwait(false);
        var state = new MasterState(session, progress, progressNode.Stat.Version, cursor?.Data ?? []);
        await state.RefreshFailuresAsync(cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>Whether a session has our master's state (an original master's has none).</summary>
    public static async Task<bool> ExistsAsync(WorkerSession session, CancellationToken cancellationToken) =>
        await session.ExistsAsync(ZnodeLayout.Progress(session.Name), cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>The setData of the walk cursor, for a put transaction (the cursor follows the progress version).</summary>
    public Op CursorOp(byte[] lastQueued) => Op.SetData(_cursorPath, lastQueued, -1);

    /// <summary>
    /// Applies <paramref name="operations"/> and the progress document <paramref name="next"/> in one transaction
    /// (when <paramref name="cursor"/> is given, the walk cursor too); after a lost reply, settles by the progress
    /// node's version whether it happened before sending it again.
    /// </summary>
    /// <exception cref="MasterReplacedException">Another master wrote the progress node since: this one must stop.</exception>
    public async Task CommitAsync(IReadOnlyList<Op> operations, SessionProgress next, byte[]? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(next);
        var document = next with { UpdatedAt = _session.Time.GetUtcNow(), Master = _session.WhoAmI };
        List<Op> transaction = [.. operations];
        if (cursor is not null)
        {
            transaction.Add(CursorOp(cursor));
        }

        try
        {
            await _progress.CommitAsync(transaction, document.ToJsonBytes(), cancellationToken).ConfigureAwait(false);
        }
        catch (MarkerMovedException exception)
        {
            throw new MasterReplacedException($"{exception.Message}: another worker took the session over", exception);
        }

        Progress = document;
        if (cursor is not null)
        {
            Cursor = cursor;
        }
    }

    /// <summary>Reads the failure records made since the last call; returns the new ones.</summary>
    public async Task<IReadOnlyList<FailureRecord>> RefreshFailuresAsync(CancellationToken cancellationToken)
    {
        var names = await _session.ChildrenAsync(ZnodeLayout.Failures(_session.Name), cancellationToken).ConfigureAwait(false);
        var fresh = names.Where(name => !_failures.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        var added = new List<FailureRecord>();
        foreach (var chunk in fresh.Chunk(256))
        {
            var reads = await Task.WhenAll(chunk.Select(name =>
                _session.ReadAsync(ZnodeLayout.Failures(_session.Name) + "/" + name, cancellationToken))).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (reads[i] is { } data && FailureRecord.FromBytes(data.Data) is { } record)
                {
                    _failures[chunk[i]] = record;
                    added.Add(record);
                }
            }
        }

        return added;
    }

    /// <summary>Whether a failure record exists for this queue entry (our sources write one with each failure).</summary>
    public bool HasFailureRecord(byte[] entry) => _failures.Values.Any(record => record.Entry.AsSpan().SequenceEqual(entry));

    /// <summary>The create of a failure record, for a transaction.</summary>
    public Op FailureRecordOp(FailureRecord record) =>
        Op.Create(ZnodeLayout.FailureRecordPrefix(_session.Name), record.ToBytes(), _session.Acl, CreateMode.PersistentSequential);

    /// <summary>The failed paths for a document: at most <paramref name="max"/>, path shown as the original logs it.</summary>
    public IReadOnlyList<FailedPath> FailedPaths(int max) =>
        [.. Failures.Take(max).Select(record => new FailedPath(PathEntry.DisplayOf(record.Entry), record.Error))];

    /// <summary>The nine stats, all zero.</summary>
    public static IReadOnlyDictionary<string, long> EmptyStats() => ZnodeLayout.StatKeys.ToDictionary(key => key, _ => 0L, StringComparer.Ordinal);
}
