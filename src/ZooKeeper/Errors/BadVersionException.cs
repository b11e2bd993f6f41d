namespace ZkSync.ZooKeeper;

/// <summary>The expected version does not match the node's version.</summary>
public sealed class BadVersionException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.BadVersion, path, message);
