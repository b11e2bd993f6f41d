namespace ZkSync.ZooKeeper;

/// <summary>One operation of a multi (transaction): all of them apply, or none.</summary>
public abstract record Op(string Path)
{
    public static CreateOp Create(string path, ReadOnlyMemory<byte> data, IReadOnlyList<Acl> acl, CreateMode mode = CreateMode.Persistent) =>
        new(path, data, acl, mode);

    public static DeleteOp Delete(string path, int version = -1) => new(path, version);

    public static SetDataOp SetData(string path, ReadOnlyMemory<byte> data, int version = -1) => new(path, data, version);

    public static CheckOp Check(string path, int version) => new(path, version);
}
