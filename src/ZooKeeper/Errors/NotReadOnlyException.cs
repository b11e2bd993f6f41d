namespace ZkSync.ZooKeeper;

/// <summary>State-changing request sent to a read-only server.</summary>
public sealed class NotReadOnlyException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.NotReadOnly, path, message);
