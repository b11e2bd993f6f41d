namespace ZkSync.ZooKeeper;

/// <summary>Delete <see cref="Op.Path"/>; version -1 matches any version.</summary>
public sealed record DeleteOp(string Path, int Version) : Op(Path);
