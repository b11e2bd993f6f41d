using ZkSync.Testing;

namespace ZkSync.ZooKeeper.Tests.Support;

/// <summary>
/// The standalone server the client tests share (one per test class). Its container manager runs
/// every 100 ms instead of every minute, so tests see containers and expired TTL nodes deleted
/// promptly (they wait for the deletion with a watch, never with a sleep).
/// </summary>
public sealed class ClientServerFixture : ZooKeeperServerFixture
{
    public static readonly TimeSpan ContainerCheckInterval = TimeSpan.FromMilliseconds(100);

    protected override ZooKeeperServerOptions Options { get; } = ZooKeeperServerOptions.Default with
    {
        SystemProperties = new Dictionary<string, string>
        {
            ["znode.container.checkIntervalMs"] = ((int)ContainerCheckInterval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
    };
}
