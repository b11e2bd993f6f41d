namespace ZkSync.ZooKeeper;

/// <summary>Invalid arguments.</summary>
public sealed class BadArgumentsException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.BadArguments, path, message);
