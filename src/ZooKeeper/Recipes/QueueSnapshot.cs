namespace ZkSync.ZooKeeper.Recipes;

/// <summary>What a <see cref="LockingQueue"/> may try to take: the untaken entry names in queue order
/// (priority, then sequence), and a task that completes on the next change to entries or taken.</summary>
internal sealed record QueueSnapshot(IReadOnlyList<string> Available, Task<WatchedEvent> Changed);
