namespace ZkSync.ZooKeeper;

/// <summary>The session was closed because the server requires SASL.</summary>
public sealed class SessionClosedRequireSaslException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.SessionClosedRequireSasl, path, message);
