namespace ZkSync.ZooKeeper.Recipes;

/// <summary>kazoo's way: list <c>entries</c> and <c>taken</c> with child watches on every round and hand
/// out only the first untaken entry; whoever loses it waits for the next change.</summary>
internal sealed class ListingQueueEntryView(ZooKeeperClient client, string entriesPath, string takenPath, ZooKeeperRetryPolicy retryPolicy)
    : IQueueEntryView
{
    private readonly ChangeSignal _changed = new();
    private string? _first;

    public Task<WatchedEvent> ArmChangeSignal() => _changed.Arm();

    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        var untaken = await QueueListing.ListUntakenAsync(client, entriesPath, takenPath, _changed.Watcher, retryPolicy, cancellationToken)
            .ConfigureAwait(false);
        _first = untaken.Length > 0 ? untaken[0] : null;
        return true;
    }

    public bool TryNext([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? name)
    {
        name = _first;
        _first = null;
        return name is not null;
    }

    public void OnTaken()
    {
    }

    public void OnMissed(bool heldByOther)
    {
    }
}
