namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// Something the kubelet records as an Event on the pod: <paramref name="Type"/> <c>Normal</c> or <c>Warning</c>,
/// with the kubelet's reasons (<c>Created</c>, <c>Started</c>, <c>Killing</c>, <c>BackOff</c>, <c>Unhealthy</c>,
/// <c>Failed</c>) and messages; <paramref name="FieldPath"/> is the container's <c>spec.containers{name}</c>
/// (or <c>spec.initContainers{name}</c>) as the event's involvedObject.fieldPath.
/// </summary>
public sealed record PodSandboxEvent(string Type, string Reason, string Message, string? FieldPath, DateTimeOffset Time)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
