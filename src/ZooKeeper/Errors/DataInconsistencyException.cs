namespace ZkSync.ZooKeeper;

/// <summary>A data inconsistency was found.</summary>
public sealed class DataInconsistencyException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.DataInconsistency, path, message);
