namespace ZkSync.ZooKeeper;

/// <summary>A one-shot watch firing: what happened to which node (path relative to the chroot).</summary>
public sealed record WatchedEvent(WatchEventType Type, ZooKeeperState State, string? Path);
