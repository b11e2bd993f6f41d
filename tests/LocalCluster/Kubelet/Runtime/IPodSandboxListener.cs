namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// What a pod sandbox reports as it runs, in order, from one thread at a time (a slow listener delays later
/// reports, never the containers). The kubelet turns these into the pod's status and events.
/// </summary>
public interface IPodSandboxListener
{
    /// <summary>A container's status changed (state, readiness, started, restart count).</summary>
    void OnStatusChanged(PodSandboxStatus status);

    /// <summary>A probe's thresholded result changed.</summary>
    void OnProbeResult(ProbeResultReport report);

    /// <summary>An event the kubelet would record on the pod.</summary>
    void OnEvent(PodSandboxEvent sandboxEvent);
}
