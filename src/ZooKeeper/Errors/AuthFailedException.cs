namespace ZkSync.ZooKeeper;

/// <summary>Client authentication failed.</summary>
public sealed class AuthFailedException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.AuthFailed, path, message);
