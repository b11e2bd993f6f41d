namespace ZkSync.ZooKeeper;

/// <summary>A znode's metadata as the server reports it.</summary>
public sealed record Stat(
    long Czxid,
    long Mzxid,
    long Ctime,
    long Mtime,
    int Version,
    int Cversion,
    int Aversion,
    long EphemeralOwner,
    int DataLength,
    int NumChildren,
    long Pzxid)
{
    public bool IsEphemeral => EphemeralOwner != 0;
}
