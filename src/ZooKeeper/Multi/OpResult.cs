namespace ZkSync.ZooKeeper;

/// <summary>The outcome of one operation of a multi, in the order the operations were given.</summary>
public abstract record OpResult;
