using k8s.Models;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// A snapshot of a pod sandbox: the container statuses as the kubelet puts them in the pod's status (each
/// snapshot holds fresh objects, the caller may keep or change them).
/// </summary>
public sealed record PodSandboxStatus(
    PodSandboxState State,
    IReadOnlyList<V1ContainerStatus> InitContainerStatuses,
    IReadOnlyList<V1ContainerStatus> ContainerStatuses);
