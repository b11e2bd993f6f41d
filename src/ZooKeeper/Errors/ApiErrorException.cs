namespace ZkSync.ZooKeeper;

/// <summary>API error.</summary>
public sealed class ApiErrorException(string? path = null, string? message = null)
    : ZooKeeperException(ZooKeeperErrorCode.ApiError, path, message);
