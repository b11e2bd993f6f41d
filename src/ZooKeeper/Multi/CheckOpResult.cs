namespace ZkSync.ZooKeeper;

public sealed record CheckOpResult : OpResult;
