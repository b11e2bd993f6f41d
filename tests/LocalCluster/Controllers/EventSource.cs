namespace ZkSync.LocalCluster.Controllers;

/// <summary>Who records an event: a controller (<c>job-controller</c>, <c>default-scheduler</c>) or a node's kubelet.</summary>
public sealed record EventSource(string Component, string? Host = null)
{
    public static EventSource Kubelet(string node) => new("kubelet", node);
}
