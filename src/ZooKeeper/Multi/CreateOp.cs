namespace ZkSync.ZooKeeper;

public sealed record CreateOp(string Path, ReadOnlyMemory<byte> Data, IReadOnlyList<Acl> Acl, CreateMode Mode) : Op(Path);
