namespace ZkSync.ZooKeeper.Recipes;

/// <summary>Lists a kazoo LockingQueue: the children of <c>entries</c> and <c>taken</c>, both with the
/// given watcher (entries first, as kazoo asks; pipelined), and the untaken entry names in queue order.</summary>
internal static class QueueListing
{
    /// <summary>The untaken entry names sorted as kazoo sorts them: as strings, which is priority, then sequence.</summary>
    public static async Task<string[]> ListUntakenAsync(
        ZooKeeperClient client, string entriesPath, string takenPath, Action<WatchedEvent> watcher,
        ZooKeeperRetryPolicy retryPolicy, CancellationToken cancellationToken)
    {
        var results = await retryPolicy.ExecuteAsync(token => Task.WhenAll(
            client.GetChildrenAsync(entriesPath, watcher, token),
            client.GetChildrenAsync(takenPath, watcher, token)), cancellationToken).ConfigureAwait(false);
        var taken = new HashSet<string>(results[1].Children, StringComparer.Ordinal);
        var untaken = results[0].Children.Where(name => !taken.Contains(name)).ToArray();
        Array.Sort(untaken, StringComparer.Ordinal);
        return untaken;
    }
}
