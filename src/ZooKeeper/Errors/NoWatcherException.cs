namespace ZkSync.ZooKeeper;

/// <summary>No such watcher.</summary>
public sealed class NoWatcherException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.NoWatcher, path, message);
