namespace ZkSync.ZooKeeper;

/// <summary>The session moved to another server.</summary>
public sealed class SessionMovedException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.SessionMoved, path, message);
