using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Controllers;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Scheduling;

/// <summary>What a pod asks of a node (resourcehelper.PodRequests): per resource, the larger of the containers'
/// sum and the largest init container, plus the pod's overhead.</summary>
public static class PodRequests
{
    public static Dictionary<string, decimal> Of(JsonObject pod)
    {
        var spec = pod["spec"] as JsonObject;
        var total = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var container in BuiltInDefaults.Objects(spec?["containers"]))
        {
            foreach (var (name, value) in Requests(container))
            {
                total[name] = total.GetValueOrDefault(name) + value;
            }
        }

        foreach (var init in BuiltInDefaults.Objects(spec?["initContainers"]))
        {
            foreach (var (name, value) in Requests(init))
            {
                total[name] = Math.Max(total.GetValueOrDefault(name), value);
            }
        }

        if (spec?["overhead"] is JsonObject overhead)
        {
            foreach (var (name, value) in overhead)
            {
                total[name] = total.GetValueOrDefault(name) + (Quantities.Parse(value) ?? 0);
            }
        }

        return total;
    }

    /// <summary>A container's requests; a resource with only a limit requests its limit, as defaulting makes it.</summary>
    private static Dictionary<string, decimal> Requests(JsonObject container)
    {
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var source in new[] { "limits", "requests" })
        {
            if (container["resources"]?[source] is JsonObject list)
            {
                foreach (var (name, value) in list)
                {
                    result[name] = Quantities.Parse(value) ?? 0;
                }
            }
        }

        return result;
    }
}
