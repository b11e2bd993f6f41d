namespace ZkSync.Operator.Reconciliation;

/// <summary>What the claims allow for a new pass (<see cref="VolumePlacementPlanner"/>).</summary>
/// <param name="Problem">Why nothing may start now (a Failed or Stalled condition), or null.</param>
/// <param name="Master">Where the master runs (and, unless <paramref name="WorkersFollowMaster"/>, every other pod).</param>
/// <param name="WorkersFollowMaster">Sources and destinations are pinned to the master pod's node once it has one: only
/// for ReadWriteOnce claims no pod uses yet when <c>spec.workers.affinity</c> has required pod affinity terms of its
/// own, which <see cref="Placement.WithSession"/>'s term cannot join (the scheduler wants one pod matching every
/// term). A replacement master pod is then not held to that node.</param>
public sealed record VolumeDecision(SessionProblem? Problem, Placement Master, bool WorkersFollowMaster)
{
    public static VolumeDecision Blocked(SessionProblem problem) => new(problem, Placement.Spread, false);
}
