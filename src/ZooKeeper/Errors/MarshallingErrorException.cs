namespace ZkSync.ZooKeeper;

/// <summary>Error while marshalling or unmarshalling data.</summary>
public sealed class MarshallingErrorException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.MarshallingError, path, message);
