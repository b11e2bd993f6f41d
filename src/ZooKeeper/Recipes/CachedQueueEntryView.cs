namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// Lists <c>entries</c> and <c>taken</c> (with watches) only when the untaken names of the last listing
/// have all been tried, and hands those out in queue order; a name someone else got to first moves
/// this instance to another cached name of the same priority (<see cref="QueueCandidates.Scatter"/>)
/// rather than making it wait; a name that is gone (consumed since the listing) moves it to the next one. After <see cref="StaleAfterMisses"/> misses in a row the cache counts as
/// used up: most of it was taken by others meanwhile, and one listing costs less than trying them all.
/// </summary>
internal sealed class CachedQueueEntryView(
    ZooKeeperClient client, string entriesPath, string takenPath, ZooKeeperRetryPolicy retryPolicy, Random random)
    : IQueueEntryView
{
    /// <summary>Misses in a row after which the rest of the cache is dropped and the queue listed again.</summary>
    public const int StaleAfterMisses = 4;

    private readonly ChangeSignal _changed = new();
    private readonly QueueCandidates _candidates = new(random);
    private int _missesInARow;

    /// <summary>Listings made so far (for tests and logs).</summary>
    public int Listings { get; private set; }

    /// <summary>Names left to try before the next listing.</summary>
    public int Cached => _candidates.Count;

    public Task<WatchedEvent> ArmChangeSignal() => _changed.Arm();

    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        if (_candidates.Count > 0)
        {
            return false;
        }

        var untaken = await QueueListing.ListUntakenAsync(client, entriesPath, takenPath, _changed.Watcher, retryPolicy, cancellationToken)
            .ConfigureAwait(false);
        _candidates.Reset(untaken);
        _missesInARow = 0;
        Listings++;
        return true;
    }

    public bool TryNext([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? name) => _candidates.TryNext(out name);

    public void OnTaken() => _missesInARow = 0;

    public void OnMissed(bool heldByOther)
    {
        if (++_missesInARow >= StaleAfterMisses)
        {
            _candidates.Clear();
            _missesInARow = 0;
        }
        else if (heldByOther)
        {
            // Someone works right here (others listed when we did): go elsewhere. A name merely gone
            // leaves the order alone, so one consumer behind another still takes entries in queue order.
            _candidates.Scatter();
        }
    }
}
