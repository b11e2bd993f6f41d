namespace ZkSync.ZooKeeper.Recipes;

/// <summary>A <see cref="VersionMarker"/>'s node is not at the version its owner last wrote: someone else wrote it.</summary>
public sealed class MarkerMovedException : Exception
{
    public MarkerMovedException()
    {
    }

    public MarkerMovedException(string message)
        : base(message)
    {
    }

    public MarkerMovedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal MarkerMovedException(string path, int expected, int? found)
        : base(found is { } version
            ? $"{path} is at version {version}, not {expected} or {expected + 1}: someone else wrote it"
            : $"{path} is no longer at version {expected}: someone else wrote it")
    {
        Path = path;
    }

    /// <summary>The marker node.</summary>
    public string? Path { get; }
}
