using System.Text.Json;

namespace ZkSync.Contracts;

/// <summary>
/// <c>S/progress</c>: our master's progress report (an addition to the original's wire format: original
/// masters write none, and readers then count queue entries), rewritten every progress interval and once
/// more when the queue is empty. JSON (camelCase) through <see cref="ContractsJsonContext"/>.
/// </summary>
/// <param name="PathsQueued">Paths queued so far by the walk (the session's total once <paramref name="WalkDone"/>).</param>
/// <param name="PathsRemaining">Queued and not yet completed or failed (taken ones included).</param>
/// <param name="PathsInFlight">Entries taken by sources right now: the active transfers.</param>
/// <param name="Stats">The nine <c>S/stats</c> counters (<see cref="ZnodeLayout.StatKeys"/>), summed over every transfer so far.</param>
/// <param name="FailedPaths">The first failed paths with their errors (at most <see cref="MaxListedFailures"/>).</param>
/// <param name="Master">The master's whoami; changes when another worker takes the session over.</param>
public sealed record SessionProgress(
    long PathsQueued,
    bool WalkDone,
    long PathsCompleted,
    long PathsFailed,
    long PathsRemaining,
    long PathsInFlight,
    IReadOnlyDictionary<string, long> Stats,
    IReadOnlyList<FailedPath> FailedPaths,
    double ElapsedSeconds,
    DateTimeOffset UpdatedAt,
    string Master)
{
    /// <summary>How many failed paths the progress node lists (it stays far below ZooKeeper's 1 MiB node limit).</summary>
    public const int MaxListedFailures = 50;

    /// <summary>When the session's first master started it (kept by a master that takes over, so elapsed time
    /// and rates cover the whole session). Null in documents written before this field existed.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>How often another worker took over as master after the master's ZooKeeper session ended.</summary>
    public int Takeovers { get; init; }

    /// <summary>The session was suspended: its master was stopped with <c>--keep-session-on-stop</c>, its workers
    /// left, and the queue and counts stay for a later master of the same session, which resumes it (and clears this).</summary>
    public bool Suspended { get; init; }

    /// <summary>Paths completed plus failed.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long PathsDone => PathsCompleted + PathsFailed;

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, ContractsJsonContext.Default.SessionProgress);

    /// <summary>Null for anything that is not a progress document (empty, truncated, another writer's format).</summary>
    public static SessionProgress? FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            return json.IsEmpty ? null : JsonSerializer.Deserialize(json, ContractsJsonContext.Default.SessionProgress);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
