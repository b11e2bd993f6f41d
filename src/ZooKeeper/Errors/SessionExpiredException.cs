namespace ZkSync.ZooKeeper;

/// <summary>The session has expired; ephemeral nodes and watches are gone. Open a new client.</summary>
public sealed class SessionExpiredException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.SessionExpired, path, message);
