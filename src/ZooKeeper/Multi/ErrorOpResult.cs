namespace ZkSync.ZooKeeper;

/// <summary>In a failed multi: <see cref="ZooKeeperErrorCode.Ok"/> for operations before the failing one,
/// its code for the failing one, <see cref="ZooKeeperErrorCode.RuntimeInconsistency"/> for the rest.</summary>
public sealed record ErrorOpResult(ZooKeeperErrorCode Code) : OpResult;
