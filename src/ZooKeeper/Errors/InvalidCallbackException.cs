namespace ZkSync.ZooKeeper;

/// <summary>Invalid callback.</summary>
public sealed class InvalidCallbackException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.InvalidCallback, path, message);
