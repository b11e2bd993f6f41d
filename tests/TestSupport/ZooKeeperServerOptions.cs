namespace ZkSync.Testing;

/// <summary>
/// How a test ZooKeeper server (or each member of an ensemble) is configured. The defaults allow
/// session timeouts from 1 s to 60 s, so tests can use 2 s sessions and see expiry quickly.
/// </summary>
public sealed record ZooKeeperServerOptions
{
    public static ZooKeeperServerOptions Default { get; } = new();

    /// <summary>ZooKeeper's <c>tickTime</c>: the unit of heartbeats and session-expiry checks.</summary>
    public TimeSpan TickTime { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The shortest session timeout the server grants (<c>minSessionTimeout</c>).</summary>
    public TimeSpan MinSessionTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest session timeout the server grants (<c>maxSessionTimeout</c>).</summary>
    public TimeSpan MaxSessionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Ensembles only: ticks a follower may take to connect and sync to the leader.</summary>
    public int InitLimitTicks { get; init; } = 20;

    /// <summary>Ensembles only: ticks a follower may lag behind the leader.</summary>
    public int SyncLimitTicks { get; init; } = 10;

    /// <summary>
    /// Whether the transaction log is fsynced. Off by default: the data still reaches the page
    /// cache, so it survives killing the server process, which is all tests do.
    /// </summary>
    public bool ForceSync { get; init; }

    /// <summary>
    /// Whether the JVM is tuned to start fast (<c>-XX:TieredStopAtLevel=1 -XX:+UseSerialGC</c>: the
    /// C1 compiler only, the serial collector), which suits short tests. Benchmarks turn it off to get
    /// the JVM's defaults (C2, G1) and the server's real throughput.
    /// </summary>
    public bool FastStartJvm { get; init; } = true;

    /// <summary>The JVM's maximum heap (-Xmx), in megabytes.</summary>
    public int HeapMegabytes { get; init; } = 256;

    /// <summary>How long a start may take before it fails (JVM start-up, leader election).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a graceful stop (SIGTERM) may take before the process is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Further <c>key=value</c> lines for zoo.cfg; they override the settings above.</summary>
    public IReadOnlyDictionary<string, string> ExtraSettings { get; init; } = new Dictionary<string, string>();
}
