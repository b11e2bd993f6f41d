namespace ZkSync.Worker.InitTree;

/// <summary>ZooKeeper ACL permission bits.</summary>
[Flags]
public enum ZkPermissions
{
    None = 0,
    Read = 1,
    Write = 2,
    Create = 4,
    Delete = 8,
    Admin = 16,
    All = Read | Write | Create | Delete | Admin,
}
