namespace ZkSync.LocalCluster.Kubelet.Runtime.Probes;

/// <summary>One probe attempt: success or failure, and the output or error that explains it.</summary>
internal sealed record ProbeOutcome(bool Success, string Message);
