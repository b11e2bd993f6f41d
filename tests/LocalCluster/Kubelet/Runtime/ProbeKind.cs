namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>The three probes a container may have.</summary>
public enum ProbeKind
{
    Readiness,
    Liveness,
    Startup,
}
