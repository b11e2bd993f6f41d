namespace ZkSync.ZooKeeper;

/// <summary>What a probe found out about a write whose reply was lost: its outcome, or that it did not happen.</summary>
public readonly record struct Settlement<T>(bool IsKnown, T Result)
{
    /// <summary>The write happened (or need not happen again): the call ends with <paramref name="result"/>.</summary>
    public static Settlement<T> Known(T result) => new(true, result);

    /// <summary>The write did not happen: send it again.</summary>
    public static Settlement<T> NotApplied => new(false, default!);
}
