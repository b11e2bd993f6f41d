namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>A container's <c>terminationMessagePolicy</c>.</summary>
public enum TerminationMessagePolicy
{
    /// <summary>The message is what the container wrote to its termination message file.</summary>
    File,

    /// <summary>The file, or when it is empty and the container failed, the tail of its log.</summary>
    FallbackToLogsOnError,
}
