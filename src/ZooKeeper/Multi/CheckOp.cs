namespace ZkSync.ZooKeeper;

/// <summary>Fails the multi unless <see cref="Op.Path"/> exists with this version (-1: only that it exists).</summary>
public sealed record CheckOp(string Path, int Version) : Op(Path);
