namespace ZkSync.ZooKeeper;

/// <summary>The request timed out on the server.</summary>
public sealed class RequestTimeoutException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.RequestTimeout, path, message);
