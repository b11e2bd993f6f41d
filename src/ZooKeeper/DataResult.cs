namespace ZkSync.ZooKeeper;

/// <summary>A node's data and stat.</summary>
public sealed record DataResult(byte[] Data, Stat Stat);
