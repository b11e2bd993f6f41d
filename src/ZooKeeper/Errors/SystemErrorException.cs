namespace ZkSync.ZooKeeper;

/// <summary>A server-side system error.</summary>
public sealed class SystemErrorException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.SystemError, path, message);
