namespace ZkSync.ZooKeeper.Recipes;

/// <summary>kazoo's way: list <c>entries</c> and <c>taken</c> with child watches on every call, sort
/// entry names as strings, drop the taken ones.</summary>
internal sealed class ListingQueueEntryView(ZooKeeperClient client, string entriesPath, string takenPath, ZooKeeperRetryPolicy retryPolicy)
    : IQueueEntryView
{
    private readonly ChangeSignal _changed = new();

    public async Task<QueueSnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var changed = _changed.Arm();
        var entries = await retryPolicy.ExecuteAsync(
            token => client.GetChildrenAsync(entriesPath, _changed.Watcher, token), cancellationToken).ConfigureAwait(false);
        var taken = await retryPolicy.ExecuteAsync(
            token => client.GetChildrenAsync(takenPath, _changed.Watcher, token), cancellationToken).ConfigureAwait(false);
        var takenNames = new HashSet<string>(taken.Children, StringComparer.Ordinal);
        var available = entries.Children
            .Where(name => !takenNames.Contains(name))
            .Order(StringComparer.Ordinal)
            .ToList();
        return new QueueSnapshot(available, changed);
    }
}
