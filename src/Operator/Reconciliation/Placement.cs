using k8s.Models;

namespace ZkSync.Operator.Reconciliation;

/// <summary>Where a pass's pods run: pinned to one node (ReadWriteOnce claims), or spread across nodes.</summary>
/// <param name="Node">The node every pod is pinned to, or null to spread.</param>
/// <param name="Tolerations">Tolerations copied from the pod that uses the claim on that node.</param>
public sealed record Placement(string? Node, IReadOnlyList<V1Toleration> Tolerations)
{
    public static Placement Spread { get; } = new(null, []);

    public static Placement PinTo(string node, IReadOnlyList<V1Toleration>? tolerations = null) => new(node, tolerations ?? []);
}
