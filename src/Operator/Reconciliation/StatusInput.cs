using ZkSync.Operator.Entities;
using ZkSync.Operator.Progress;

namespace ZkSync.Operator.Reconciliation;

/// <summary>Everything <see cref="StatusBuilder"/> derives the status from.</summary>
/// <param name="Session">The resource: spec, generation and the status so far (the record of finished passes).</param>
/// <param name="Pass">The current pass's Jobs and pods.</param>
/// <param name="ZooKeeper">What the operator read of the pass's ZooKeeper session, or null when it follows none.</param>
/// <param name="Problems">What the controller found in its way (claims, ZooKeeper, quota ...).</param>
/// <param name="NextSyncTime">When the schedule starts the next pass.</param>
/// <param name="Now">For the transition time of conditions that change now, and nothing else.</param>
public sealed record StatusInput(
    V1Alpha1ZkRsyncSession Session,
    PassView Pass,
    ZooKeeperObservation? ZooKeeper,
    IReadOnlyList<SessionProblem> Problems,
    DateTime? NextSyncTime,
    DateTime Now);
