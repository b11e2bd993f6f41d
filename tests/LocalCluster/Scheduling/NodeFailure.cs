namespace ZkSync.LocalCluster.Scheduling;

/// <summary>Why a node cannot take a pod: the failing filter's reasons, and whether preempting pods could help
/// (<c>Unschedulable</c>) or not (<c>UnschedulableAndUnresolvable</c>).</summary>
public sealed record NodeFailure(IReadOnlyList<string> Reasons, bool Unresolvable)
{
    public static NodeFailure Unresolved(string reason) => new([reason], true);

    public static NodeFailure Resolvable(params string[] reasons) => new(reasons, false);
}
