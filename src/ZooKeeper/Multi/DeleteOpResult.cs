namespace ZkSync.ZooKeeper;

public sealed record DeleteOpResult : OpResult;
