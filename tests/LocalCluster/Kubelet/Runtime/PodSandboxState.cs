namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>Where a pod sandbox is in its life.</summary>
public enum PodSandboxState
{
    /// <summary>Its containers run, wait to start or wait to restart.</summary>
    Running,

    /// <summary>Every container ended for good under the restart policy (or an init container failed under
    /// <c>Never</c>); its processes are gone, its logs remain until it is removed.</summary>
    Completed,

    /// <summary>Stopped on request; its processes are gone, its logs remain until it is removed.</summary>
    Stopped,
}
