using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>What the controllers ask of a pod's JSON (k8s.io/kubernetes pkg/api/v1/pod and controller utilities).</summary>
public static class PodFacts
{
    public static string Phase(JsonObject pod) => JsonValues.String(pod["status"]?["phase"]) ?? "Pending";

    public static bool IsTerminal(JsonObject pod) => Phase(pod) is "Succeeded" or "Failed";

    /// <summary>Neither ended nor being deleted (controller.FilterActivePods).</summary>
    public static bool IsActive(JsonObject pod) => !IsTerminal(pod) && !Metadata.IsDeleting(pod);

    public static string? NodeName(JsonObject pod) => JsonValues.String(pod["spec"]?["nodeName"]) is { Length: > 0 } node ? node : null;

    public static JsonObject? Condition(JsonObject obj, string type) =>
        (obj["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => JsonValues.String(c["type"]) == type);

    public static bool IsReady(JsonObject pod) => JsonValues.String(Condition(pod, "Ready")?["status"]) == "True";

    /// <summary>Ready for at least <paramref name="minReadySeconds"/> at <paramref name="now"/> (podutil.IsPodAvailable).</summary>
    public static bool IsAvailable(JsonObject pod, long minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod))
        {
            return false;
        }

        if (minReadySeconds <= 0)
        {
            return true;
        }

        var since = Metadata.ParseTimestamp(Condition(pod, "Ready")?["lastTransitionTime"]);
        return since is { } t && t.AddSeconds(minReadySeconds) <= now;
    }

    /// <summary>The order in which a controller deletes surplus pods, first to go first (controller.ActivePods):
    /// unassigned before assigned, pending before unknown before running, not ready before ready, ready for less
    /// time first, more restarts first, newer first.</summary>
    public static IOrderedEnumerable<JsonObject> InDeletionOrder(IEnumerable<JsonObject> pods) =>
        pods.OrderBy(p => NodeName(p) is null ? 0 : 1)
            .ThenBy(p => Phase(p) switch { "Pending" => 0, "Unknown" => 1, "Running" => 2, _ => 3 })
            .ThenBy(p => IsReady(p) ? 1 : 0)
            .ThenByDescending(p => Metadata.ParseTimestamp(Condition(p, "Ready")?["lastTransitionTime"]) ?? DateTimeOffset.MaxValue)
            .ThenByDescending(Restarts)
            .ThenByDescending(p => Metadata.ParseTimestamp(p["metadata"]?["creationTimestamp"]) ?? DateTimeOffset.MinValue);

    public static long Restarts(JsonObject pod) =>
        (pod["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>().Sum(s => JsonValues.Long(s["restartCount"]) ?? 0) ?? 0;
}
