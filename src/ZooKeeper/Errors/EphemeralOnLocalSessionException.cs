namespace ZkSync.ZooKeeper;

/// <summary>Attempt to create an ephemeral node on a local session.</summary>
public sealed class EphemeralOnLocalSessionException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.EphemeralOnLocalSession, path, message);
