using k8s.Models;

namespace ZkSync.Operator.Reconciliation;

/// <summary>Where a pass's pods run: pinned to one node (a ReadWriteOnce claim another pod uses), together with the
/// session's own pods (ReadWriteOnce claims no pod uses yet), or spread across nodes.</summary>
/// <param name="Node">The node every pod is pinned to, or null.</param>
/// <param name="Tolerations">Tolerations copied from the pod that uses the claim on that node.</param>
/// <param name="WithSessionPods">Every pod gets a required pod affinity to the session's own pods on the same node
/// (<c>kubernetes.io/hostname</c>): the scheduler lets the first pod of the group go to any node that fits it, and
/// sends every later one (a replacement master included) to whichever node a pod of the session still runs on, where
/// the claims are attached. A pod template cannot change once its Job exists, so this is decided when Jobs are made.</param>
public sealed record Placement(string? Node, IReadOnlyList<V1Toleration> Tolerations, bool WithSessionPods = false)
{
    public static Placement Spread { get; } = new(null, []);

    public static Placement WithSession { get; } = new(null, [], WithSessionPods: true);

    /// <summary>Neither pinned nor kept with the session's pods: the pods may go to any node.</summary>
    public bool Spreads => Node is null && !WithSessionPods;

    public static Placement PinTo(string node, IReadOnlyList<V1Toleration>? tolerations = null) => new(node, tolerations ?? []);
}
