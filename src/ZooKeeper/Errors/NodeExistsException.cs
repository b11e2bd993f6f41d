namespace ZkSync.ZooKeeper;

/// <summary>The node already exists.</summary>
public sealed class NodeExistsException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.NodeExists, path, message);
