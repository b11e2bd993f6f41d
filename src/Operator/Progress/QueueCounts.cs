using ZkSync.Contracts;

namespace ZkSync.Operator.Progress;

/// <summary>
/// Progress counted from the original layout's queues, for a master that writes no <c>S/progress</c> (the original
/// Python one): entries left in <c>pathQueue</c>, in <c>completedQueue</c> and <c>failedQueue</c>, and <c>S/stats</c>.
/// </summary>
/// <param name="FailedPaths">The first failed paths (the original records no error for them).</param>
/// <param name="ObservedAt">When the operator counted (the ETA is computed from it, not from the clock at reconcile).</param>
public sealed record QueueCounts(
    long Remaining,
    long Completed,
    long Failed,
    IReadOnlyDictionary<string, long> Stats,
    IReadOnlyList<FailedPath> FailedPaths,
    DateTimeOffset ObservedAt);
