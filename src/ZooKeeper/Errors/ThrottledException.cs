namespace ZkSync.ZooKeeper;

/// <summary>The server throttled the request.</summary>
public sealed class ThrottledException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.Throttled, path, message);
