namespace ZkSync.ZooKeeper;

/// <summary>A node's ACL and stat.</summary>
public sealed record AclResult(IReadOnlyList<Acl> Acl, Stat Stat);
