namespace ZkSync.ZooKeeper;

/// <summary>How a node is created; the values are the wire's create flags.</summary>
public enum CreateMode
{
    Persistent = 0,
    Ephemeral = 1,
    PersistentSequential = 2,
    EphemeralSequential = 3,

    /// <summary>Deleted by the server once its last child is gone (ZooKeeper 3.5.3+).</summary>
    Container = 4,

    /// <summary>Persistent, deleted by the server when unchanged and childless for the TTL (needs <c>zookeeper.extendedTypesEnabled</c>).</summary>
    PersistentWithTtl = 5,
    PersistentSequentialWithTtl = 6,
}
