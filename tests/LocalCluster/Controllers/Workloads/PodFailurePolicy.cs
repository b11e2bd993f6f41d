using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Controllers.Workloads;

/// <summary>
/// A Job's <c>podFailurePolicy</c> matched against a failed pod (pkg/controller/job/pod_failure_policy.go): rules in
/// order; <c>onExitCodes</c> match the first terminated container (the named one, or any) with a non-zero exit code
/// In/NotIn the values, app containers before init containers; <c>onPodConditions</c> match a condition of the type
/// with the status. FailJob fails the Job with the real message, Ignore does not count the failure, Count counts it.
/// </summary>
public static class PodFailurePolicy
{
    /// <summary>The FailJob message (or null), whether the failure counts towards the backoff limit, and the action matched.</summary>
    public static (string? FailJobMessage, bool Counts, string? Action) Match(JsonObject? policy, JsonObject pod)
    {
        if (policy is null)
        {
            return (null, true, null);
        }

        var index = 0;
        foreach (var rule in BuiltInDefaults.Objects(policy["rules"]))
        {
            var action = JsonValues.String(rule["action"]);
            if (rule["onExitCodes"] is JsonObject onExitCodes)
            {
                if (MatchExitCodes(pod, onExitCodes) is { } container)
                {
                    return action switch
                    {
                        "Ignore" => (null, false, action),
                        "Count" => (null, true, action),
                        "FailJob" => ($"Container {JsonValues.String(container["name"])} for pod {Metadata.Namespace(pod)}/{Metadata.Name(pod)} failed with exit code " +
                                      $"{JsonValues.Long(container["state"]?["terminated"]?["exitCode"])} matching {action} rule at index {index}", true, action),
                        _ => (null, true, action),
                    };
                }
            }
            else if (rule["onPodConditions"] is JsonArray patterns)
            {
                if (MatchConditions(pod, patterns) is { } condition)
                {
                    return action switch
                    {
                        "Ignore" => (null, false, action),
                        "Count" => (null, true, action),
                        "FailJob" => ($"Pod {Metadata.Namespace(pod)}/{Metadata.Name(pod)} has condition {JsonValues.String(condition["type"])} matching {action} rule at index {index}",
                            true, action),
                        _ => (null, true, action),
                    };
                }
            }

            index++;
        }

        return (null, true, null);
    }

    private static JsonObject? MatchExitCodes(JsonObject pod, JsonObject requirement)
    {
        var name = JsonValues.String(requirement["containerName"]);
        var op = JsonValues.String(requirement["operator"]);
        var values = (requirement["values"] as JsonArray)?.Select(JsonValues.Long).OfType<long>().ToHashSet() ?? [];
        foreach (var list in new[] { "containerStatuses", "initContainerStatuses" })
        {
            foreach (var status in BuiltInDefaults.Objects(pod["status"]?[list]))
            {
                if (JsonValues.Long(status["state"]?["terminated"]?["exitCode"]) is not { } code || code == 0)
                {
                    continue;
                }

                if (name is not null && JsonValues.String(status["name"]) != name)
                {
                    continue;
                }

                if ((op == "In" && values.Contains(code)) || (op == "NotIn" && !values.Contains(code)))
                {
                    return status;
                }
            }
        }

        return null;
    }

    private static JsonObject? MatchConditions(JsonObject pod, JsonArray patterns)
    {
        foreach (var condition in BuiltInDefaults.Objects(pod["status"]?["conditions"]))
        {
            foreach (var pattern in patterns.OfType<JsonObject>())
            {
                if (JsonValues.String(condition["type"]) == JsonValues.String(pattern["type"]) &&
                    JsonValues.String(condition["status"]) == (JsonValues.String(pattern["status"]) ?? "True"))
                {
                    return condition;
                }
            }
        }

        return null;
    }
}
