namespace ZkSync.LocalCluster.Api;

/// <summary>The query parameters of a list or watch (metav1.ListOptions).</summary>
public sealed record ListOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>At most this many items per page (0: all).</summary>
    public int Limit { get; init; }

    public string? Continue { get; init; }

    /// <summary>Where a watch starts; null or "0" for the current state first.</summary>
    public string? ResourceVersion { get; init; }

    public bool AllowWatchBookmarks { get; init; }

    /// <summary>Closes a watch after this long; null for the server's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>sendInitialEvents: the current objects first, then a bookmark marking their end.</summary>
    public bool? SendInitialEvents { get; init; }
}
