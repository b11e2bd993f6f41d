namespace ZkSync.ZooKeeper;

/// <summary>The operation is not implemented by this server (or needs a server feature that is off).</summary>
public sealed class UnimplementedException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.Unimplemented, path, message);
