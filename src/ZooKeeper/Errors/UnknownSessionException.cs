namespace ZkSync.ZooKeeper;

/// <summary>Unknown session (internal server error).</summary>
public sealed class UnknownSessionException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.UnknownSession, path, message);
