namespace ZkSync.ZooKeeper;

/// <summary>One attempt of a retried operation (1-based).</summary>
public readonly record struct RetryAttempt(int Number)
{
    /// <summary>An earlier attempt failed with a retryable error: it may have been applied with its reply lost.</summary>
    public bool IsRetry => Number > 1;
}
