namespace ZkSync.Operator.ZooKeeper;

/// <summary>The operator's ZooKeeper client settings.</summary>
public sealed record ZooKeeperConnectionSettings(TimeSpan SessionTimeout, TimeSpan ConnectTimeout)
{
    public static ZooKeeperConnectionSettings Default { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
}
