namespace ZkSync.ZooKeeper;

/// <summary>The created node's actual path (relative to the chroot, with any sequence suffix).</summary>
public sealed record CreateOpResult(string Path) : OpResult;
