namespace ZkSync.ZooKeeper;

/// <summary>No quorum of the new configuration is connected and up to date.</summary>
public sealed class NewConfigNoQuorumException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.NewConfigNoQuorum, path, message);
