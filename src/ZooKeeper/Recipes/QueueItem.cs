namespace ZkSync.ZooKeeper.Recipes;

/// <summary>The entry a <see cref="LockingQueue"/> instance has taken and not yet consumed or released.</summary>
public sealed record QueueItem(string Name, byte[] Value);
