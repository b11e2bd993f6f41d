namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// Where <see cref="LockingQueue.GetAsync"/> learns which entries it may take. The get loop only
/// asks for a snapshot and waits on its change signal, so a view that keeps the two child lists
/// cached and updates them from watch events (for queues with many entries) can replace
/// <see cref="ListingQueueEntryView"/> without touching the take/consume logic.
/// </summary>
internal interface IQueueEntryView
{
    /// <summary>The current untaken entries; the snapshot's change task is armed before reading, so no change is missed.</summary>
    Task<QueueSnapshot> GetSnapshotAsync(CancellationToken cancellationToken);
}
