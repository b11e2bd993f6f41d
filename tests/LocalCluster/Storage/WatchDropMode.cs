namespace ZkSync.LocalCluster.Storage;

/// <summary>How a test hook ends the open watches.</summary>
public enum WatchDropMode
{
    /// <summary>The response ends cleanly, as when a real server's watch times out or it restarts gracefully.</summary>
    Close,

    /// <summary>The connection is reset, as when a network path or a load balancer drops it.</summary>
    Abort,
}
