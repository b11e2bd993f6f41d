namespace ZkSync.ZooKeeper;

/// <summary>A quota was exceeded.</summary>
public sealed class QuotaExceededException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.QuotaExceeded, path, message);
