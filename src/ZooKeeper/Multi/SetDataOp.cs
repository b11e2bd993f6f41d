namespace ZkSync.ZooKeeper;

public sealed record SetDataOp(string Path, ReadOnlyMemory<byte> Data, int Version) : Op(Path);
