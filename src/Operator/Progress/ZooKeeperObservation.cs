using ZkSync.Contracts;

namespace ZkSync.Operator.Progress;

/// <summary>What the operator last read of a pass's ZooKeeper session (<c>S</c>).</summary>
/// <param name="Session">zkrsync's session name.</param>
/// <param name="Error">Why the last read failed (ZooKeeper unreachable ...), or null.</param>
/// <param name="ReadyExists"><c>S/watch/ready</c> exists, or existed during this pass: the master owns the session.</param>
/// <param name="Progress">Our master's latest <c>S/progress</c>.</param>
/// <param name="Summary">Our master's <c>S/summary</c>: the pass has ended.</param>
/// <param name="Queues">Counts from the queues while no <c>S/progress</c> exists (an original master).</param>
public sealed record ZooKeeperObservation(
    string Session,
    string? Error,
    bool ReadyExists,
    SessionProgress? Progress,
    SessionSummaryDocument? Summary,
    QueueCounts? Queues)
{
    public static ZooKeeperObservation Empty(string session) => new(session, null, false, null, null, null);
}
