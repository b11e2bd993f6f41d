namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// An <c>emptyDir</c>: a directory (mode 0777, group <c>fsGroup</c> with setgid when set) the runtime creates
/// in the pod's directory and removes with the pod. <c>medium: Memory</c> and <c>sizeLimit</c> are not
/// modelled: it is a directory on the runtime's disk either way.
/// </summary>
public sealed record EmptyDirVolume(string Name) : SandboxVolume(Name);
