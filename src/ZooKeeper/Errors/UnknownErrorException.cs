namespace ZkSync.ZooKeeper;

/// <summary>An error code this client does not know (a newer server's).</summary>
public sealed class UnknownErrorException(ZooKeeperErrorCode code, string? path = null, string? message = null)
    : ZooKeeperException(code, path, message);
