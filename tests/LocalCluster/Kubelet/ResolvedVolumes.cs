using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>A pod's volumes as the runtime takes them, the ones every mount gets read-only (a claim or hostPath
/// marked <c>readOnly</c> in the pod's volume), and the claims still waiting to be attached to the pod's node.</summary>
internal sealed record ResolvedVolumes(IReadOnlyList<SandboxVolume> Volumes, IReadOnlySet<string> ReadOnly, IReadOnlyList<string> Unattached);
