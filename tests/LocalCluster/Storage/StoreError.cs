namespace ZkSync.LocalCluster.Storage;

/// <summary>Why the store refused a write or a watch.</summary>
public enum StoreError
{
    NotFound,
    AlreadyExists,
    Conflict,
    Expired,
}
