namespace ZkSync.ZooKeeper.Recipes;

/// <summary>What a <see cref="DataWatch"/> saw: the node's data and stat, both null while it does not exist.</summary>
public sealed record NodeSnapshot(byte[]? Data, Stat? Stat)
{
    public bool Exists => Stat is not null;
}
