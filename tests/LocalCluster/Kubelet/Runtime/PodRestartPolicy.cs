namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>A pod's <c>restartPolicy</c>.</summary>
public enum PodRestartPolicy
{
    Always,
    OnFailure,
    Never,
}
