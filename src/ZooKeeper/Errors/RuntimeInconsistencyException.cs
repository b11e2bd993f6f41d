namespace ZkSync.ZooKeeper;

/// <summary>A runtime inconsistency was found (also reported for the operations of a failed multi after the failing one).</summary>
public sealed class RuntimeInconsistencyException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.RuntimeInconsistency, path, message);
