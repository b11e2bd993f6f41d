namespace ZkSync.LocalCluster.Storage;

/// <summary>Ends a watch whose connection a test hook resets (<see cref="WatchDropMode.Abort"/>).</summary>
public sealed class WatchDroppedException : Exception
{
    public WatchDroppedException()
        : base("watch connection dropped by a test hook")
    {
    }

    public WatchDroppedException(string message)
        : base(message)
    {
    }

    public WatchDroppedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
