namespace ZkSync.ZooKeeper;

/// <summary>The actual path of a created node (with its sequence suffix) and its stat.</summary>
public sealed record CreateResult(string Path, Stat Stat);
