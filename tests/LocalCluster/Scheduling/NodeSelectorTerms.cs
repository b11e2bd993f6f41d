using System.Globalization;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Controllers;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Scheduling;

/// <summary>
/// Node selector terms (a pod's required node affinity, a PersistentVolume's node affinity) matched against a node
/// (k8s.io/component-helpers nodeaffinity): the terms are ORed, each term's <c>matchExpressions</c> on labels and
/// <c>matchFields</c> on <c>metadata.name</c> are ANDed; an empty term matches nothing.
/// </summary>
public static class NodeSelectorTerms
{
    public static bool Match(JsonNode? terms, JsonObject node)
    {
        if (terms is not JsonArray list)
        {
            return true;
        }

        return list.OfType<JsonObject>().Any(term => MatchTerm(term, node));
    }

    /// <summary>A pod's <c>nodeSelector</c> and required node affinity (the NodeAffinity plugin's filter).</summary>
    public static bool MatchPod(JsonObject pod, JsonObject node)
    {
        var labels = Metadata.Labels(node);
        if (pod["spec"]?["nodeSelector"] is JsonObject selector)
        {
            foreach (var (key, value) in selector)
            {
                if (labels?[key] is not { } actual || JsonValues.Display(actual) != JsonValues.Display(value))
                {
                    return false;
                }
            }
        }

        var required = pod["spec"]?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"];
        return required is not JsonObject r || Match(r["nodeSelectorTerms"], node);
    }

    private static bool MatchTerm(JsonObject term, JsonObject node)
    {
        var expressions = BuiltInDefaults.Objects(term["matchExpressions"]).ToList();
        var fields = BuiltInDefaults.Objects(term["matchFields"]).ToList();
        if (expressions.Count == 0 && fields.Count == 0)
        {
            return false;
        }

        var labels = Metadata.Labels(node);
        foreach (var expression in expressions)
        {
            var key = JsonValues.String(expression["key"]) ?? "";
            var value = labels?[key] is { } v ? JsonValues.Display(v) : null;
            if (!Requirement(JsonValues.String(expression["operator"]), value, Values(expression)))
            {
                return false;
            }
        }

        foreach (var field in fields)
        {
            // metadata.name is the only field a node selector may name.
            var value = JsonValues.String(field["key"]) == "metadata.name" ? Metadata.Name(node) : null;
            if (!Requirement(JsonValues.String(field["operator"]), value, Values(field)))
            {
                return false;
            }
        }

        return true;
    }

    private static List<string> Values(JsonObject requirement) =>
        (requirement["values"] as JsonArray)?.Select(JsonValues.Display).ToList() ?? [];

    private static bool Requirement(string? op, string? value, List<string> values) => op switch
    {
        "In" => value is not null && values.Contains(value),
        "NotIn" => value is null || !values.Contains(value),
        "Exists" => value is not null,
        "DoesNotExist" => value is null,
        "Gt" => Compare(value, values) is > 0,
        "Lt" => Compare(value, values) is < 0,
        _ => false,
    };

    private static int? Compare(string? value, List<string> values) =>
        value is not null && values.Count == 1 &&
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var actual) &&
        long.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var wanted)
            ? actual.CompareTo(wanted)
            : null;
}
