using System.Text.Json;

namespace ZkSync.Contracts;

/// <summary>
/// The master's final account of a session: <c>--json-summary</c>, <c>/dev/termination-log</c> (shortened) and
/// <c>S/summary</c> (an addition to the original's wire format), which stays in ZooKeeper after the master's
/// cleanup until the operator has read it and removes the session node.
/// </summary>
/// <param name="Reason">Why the session ended: one of <see cref="SessionEndReason"/>.</param>
/// <param name="Message">One line for people: what happened and, when it did not succeed, what to do.</param>
/// <param name="ExitCode">The master's exit code (<see cref="ExitCodes"/>).</param>
public sealed record SessionSummaryDocument(
    string Session,
    long PathsCompleted,
    long PathsFailed,
    long PathsUnfinished,
    IReadOnlyList<FailedPath> FailedPaths,
    IReadOnlyDictionary<string, long> Stats,
    double WallTimeSeconds,
    int ExitCode,
    string Reason,
    string Message,
    DateTimeOffset FinishedAt)
{
    /// <summary>At most this many failed paths are listed (ZooKeeper nodes hold 1 MiB).</summary>
    public const int MaxListedFailures = 1000;

    /// <summary>At most this many failed paths go to <c>/dev/termination-log</c> (Kubernetes keeps 4 KiB of it).</summary>
    public const int MaxTerminationLogFailures = 10;

    /// <summary>How often another worker took over as master after the master's ZooKeeper session ended.</summary>
    public int Takeovers { get; init; }

    /// <summary>The document with at most <paramref name="maxFailedPaths"/> failed paths, as JSON.</summary>
    public string ToJson(int maxFailedPaths = MaxListedFailures) =>
        JsonSerializer.Serialize(this with { FailedPaths = [.. FailedPaths.Take(maxFailedPaths)] }, ContractsJsonContext.Default.SessionSummaryDocument);

    /// <summary>Null for anything that is not a summary document.</summary>
    public static SessionSummaryDocument? FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            return json.IsEmpty ? null : JsonSerializer.Deserialize(json, ContractsJsonContext.Default.SessionSummaryDocument);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
