namespace ZkSync.ZooKeeper;

/// <summary>What a watch reports (Watcher.Event.EventType); the values are the wire's.</summary>
public enum WatchEventType
{
    /// <summary>No node changed: the session's state did (the watch was dropped with the session).</summary>
    None = -1,
    NodeCreated = 1,
    NodeDeleted = 2,
    NodeDataChanged = 3,
    NodeChildrenChanged = 4,
}
