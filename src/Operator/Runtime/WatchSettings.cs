namespace ZkSync.Operator.Runtime;

/// <summary>How watches behave: the server-side timeout every watch carries, and the back-off between failures.</summary>
public sealed record WatchSettings(int TimeoutSeconds, BackoffPolicy Backoff)
{
    public static WatchSettings Default { get; } = new(300, BackoffPolicy.Watch);
}
