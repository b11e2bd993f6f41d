namespace ZkSync.ZooKeeper;

public sealed record SetDataOpResult(Stat Stat) : OpResult;
