namespace ZkSync.ZooKeeper;

/// <summary>ACL permission bits (ZooDefs.Perms).</summary>
[Flags]
public enum Permissions
{
    None = 0,
    Read = 1,
    Write = 2,
    Create = 4,
    Delete = 8,
    Admin = 16,
    All = Read | Write | Create | Delete | Admin,
}
