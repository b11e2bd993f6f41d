namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// A node the local kubelet registers and runs pods for. Every node is this host: its name, labels, taints and
/// capacity are what the scheduler and users see; pods on any node share the host's network and filesystem.
/// </summary>
public sealed record LocalNode(string Name)
{
    /// <summary>Labels besides those every node gets (<c>kubernetes.io/hostname</c>, <c>kubernetes.io/os</c>,
    /// <c>kubernetes.io/arch</c>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Taints in <c>key[=value]:Effect</c> form, as <c>kubectl taint</c> takes them.</summary>
    public IReadOnlyList<string> Taints { get; init; } = [];

    /// <summary>The node's capacity and allocatable (cpu, memory, pods, ephemeral-storage).</summary>
    public IReadOnlyDictionary<string, string> Capacity { get; init; } = DefaultCapacity;

    public static IReadOnlyDictionary<string, string> DefaultCapacity { get; } = new Dictionary<string, string>
    {
        ["cpu"] = "16",
        ["memory"] = "64Gi",
        ["pods"] = "110",
        ["ephemeral-storage"] = "100Gi",
    };

    /// <summary>The nodes a cluster has unless told otherwise: node-1, node-2, node-3.</summary>
    public static IReadOnlyList<LocalNode> Defaults { get; } = [new("node-1"), new("node-2"), new("node-3")];
}
