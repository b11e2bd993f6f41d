using Microsoft.Extensions.Logging;

namespace ZkSync.Worker.Local;

/// <summary>What <c>zkrsync local SRC DST</c> was told, validated.</summary>
public sealed record LocalOptions
{
    public required string Source { get; init; }

    public required string Destination { get; init; }

    /// <summary>Transferring sources (the master comes on top).</summary>
    public required int Sources { get; init; }

    public required int Destinations { get; init; }

    public required int Depth { get; init; }

    /// <summary>An existing ensemble instead of the embedded ZooKeeper; null: embedded.</summary>
    public required string? Servers { get; init; }

    public required string User { get; init; }

    public required string Passwd { get; init; }

    public required string Session { get; init; }

    public required string TmpDir { get; init; }

    public required string? JsonSummary { get; init; }

    public required bool Force { get; init; }

    public required LogLevel LogLevel { get; init; }

    /// <summary>Worker options passed through unchanged (rsync flags, exclusions, batching).</summary>
    public required IReadOnlyList<string> WorkerArguments { get; init; }
}
