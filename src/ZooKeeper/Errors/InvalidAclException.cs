namespace ZkSync.ZooKeeper;

/// <summary>Invalid ACL.</summary>
public sealed class InvalidAclException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.InvalidAcl, path, message);
