namespace ZkSync.ZooKeeper;

/// <summary>A node's child names (unordered, as the server returns them) and its stat.</summary>
public sealed record ChildrenResult(IReadOnlyList<string> Children, Stat Stat);
