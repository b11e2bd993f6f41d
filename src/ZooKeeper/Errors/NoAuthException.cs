namespace ZkSync.ZooKeeper;

/// <summary>The session is not authorised for this operation on the node's ACL.</summary>
public sealed class NoAuthException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.NoAuth, path, message);
