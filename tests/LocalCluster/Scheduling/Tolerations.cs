using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Scheduling;

/// <summary>Whether a pod's tolerations tolerate a node's taints (v1helper.TolerationsTolerateTaint).</summary>
public static class Tolerations
{
    /// <summary>The first of the node's NoSchedule/NoExecute taints the pod does not tolerate, or null.</summary>
    public static JsonObject? FirstUntolerated(JsonObject pod, JsonObject node)
    {
        var tolerations = (pod["spec"]?["tolerations"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        foreach (var taint in (node["spec"]?["taints"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var effect = JsonValues.String(taint["effect"]);
            if (effect is not ("NoSchedule" or "NoExecute"))
            {
                continue;
            }

            if (!tolerations.Any(t => Tolerates(t, taint)))
            {
                return taint;
            }
        }

        return null;
    }

    public static bool Tolerates(JsonObject pod, string key, string effect) =>
        (pod["spec"]?["tolerations"] as JsonArray)?.OfType<JsonObject>()
        .Any(t => Tolerates(t, new JsonObject { ["key"] = key, ["effect"] = effect })) ?? false;

    private static bool Tolerates(JsonObject toleration, JsonObject taint)
    {
        var effect = JsonValues.String(toleration["effect"]);
        if (!string.IsNullOrEmpty(effect) && effect != JsonValues.String(taint["effect"]))
        {
            return false;
        }

        var key = JsonValues.String(toleration["key"]);
        var op = JsonValues.String(toleration["operator"]) is { Length: > 0 } o ? o : "Equal";
        if (string.IsNullOrEmpty(key))
        {
            return op == "Exists";
        }

        if (key != JsonValues.String(taint["key"]))
        {
            return false;
        }

        return op switch
        {
            "Exists" => true,
            "Equal" => (JsonValues.String(toleration["value"]) ?? "") == (JsonValues.String(taint["value"]) ?? ""),
            _ => false,
        };
    }
}
