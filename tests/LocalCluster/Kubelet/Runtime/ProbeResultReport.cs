namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// A probe's result changed, after its success/failure thresholds (what the kubelet's probe results manager
/// publishes). <paramref name="Message"/> is the last attempt's output or error.
/// </summary>
public sealed record ProbeResultReport(
    string ContainerName, int RestartCount, ProbeKind Kind, bool Success, string Message, DateTimeOffset Time);
