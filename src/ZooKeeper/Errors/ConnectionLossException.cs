namespace ZkSync.ZooKeeper;

/// <summary>The connection to the server was lost before a reply arrived; the request may or may not have been applied.</summary>
public sealed class ConnectionLossException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, path, message);
