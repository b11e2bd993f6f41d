namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>What of a container's log to read: the <c>kubectl logs</c> options the kubelet serves.</summary>
public sealed record ContainerLogReadOptions
{
    /// <summary>Prefix each line with the time it was written (RFC 3339 with nanoseconds, <c>--timestamps</c>).</summary>
    public bool Timestamps { get; init; }

    /// <summary>Only the last N lines (<c>--tail</c>).</summary>
    public long? TailLines { get; init; }

    /// <summary>Only lines written at or after this time (<c>--since-time</c>, <c>--since</c>).</summary>
    public DateTimeOffset? SinceTime { get; init; }

    /// <summary>Stop after this many bytes of output (<c>--limit-bytes</c>).</summary>
    public long? LimitBytes { get; init; }

    /// <summary>Keep streaming new lines until the container instance ends (<c>-f</c>).</summary>
    public bool Follow { get; init; }
}
