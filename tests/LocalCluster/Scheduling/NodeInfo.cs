using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Scheduling;

/// <summary>A node as the scheduler sees it in one cycle: the node, the pods assigned to it that have not ended, what
/// they request and the host ports they hold.</summary>
internal sealed class NodeInfo
{
    public NodeInfo(JsonObject node) => Node = node;

    public JsonObject Node { get; }

    public string Name => Metadata.Name(Node);

    public List<JsonObject> Pods { get; } = [];

    public Dictionary<string, decimal> Requested { get; } = new(StringComparer.Ordinal);

    public HashSet<(string Protocol, long Port)> HostPorts { get; } = [];

    public void Add(JsonObject pod)
    {
        Pods.Add(pod);
        foreach (var (name, value) in PodRequests.Of(pod))
        {
            Requested[name] = Requested.GetValueOrDefault(name) + value;
        }

        foreach (var port in HostPortsOf(pod))
        {
            HostPorts.Add(port);
        }
    }

    public static IEnumerable<(string Protocol, long Port)> HostPortsOf(JsonObject pod) =>
        BuiltInDefaults.Objects(pod["spec"]?["containers"])
            .Concat(BuiltInDefaults.Objects(pod["spec"]?["initContainers"]))
            .SelectMany(c => BuiltInDefaults.Objects(c["ports"]))
            .Where(p => (JsonValues.Long(p["hostPort"]) ?? 0) > 0)
            .Select(p => (JsonValues.String(p["protocol"]) ?? "TCP", JsonValues.Long(p["hostPort"])!.Value));
}
