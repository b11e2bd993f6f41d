namespace ZkSync.Operator.Reconciliation;

/// <summary>What the claims allow for a new pass (<see cref="VolumePlacementPlanner"/>).</summary>
/// <param name="Problem">Why nothing may start now (a Failed or Stalled condition), or null.</param>
/// <param name="Master">Where the master runs.</param>
/// <param name="WorkersFollowMaster">Sources and destinations go to the master pod's node (a ReadWriteOnce claim
/// that no pod uses yet: the first mount decides its node).</param>
public sealed record VolumeDecision(SessionProblem? Problem, Placement Master, bool WorkersFollowMaster)
{
    public static VolumeDecision Blocked(SessionProblem problem) => new(problem, Placement.Spread, false);
}
