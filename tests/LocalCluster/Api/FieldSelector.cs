using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Api;

/// <summary>
/// A field selector (<c>metadata.name=x,status.phase!=Running</c>): <c>metadata.name</c> and
/// <c>metadata.namespace</c> for every kind, plus the fields the real server indexes for the kinds
/// kubectl and controllers filter on (pods, events, secrets, nodes, namespaces, jobs, replicasets);
/// any other field is refused as the real server refuses it.
/// </summary>
public sealed class FieldSelector
{
    private static readonly Dictionary<string, string[]> KindFields = new(StringComparer.Ordinal)
    {
        ["Pod"] = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
                   "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"],
        ["Event"] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                     "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                     "reason", "reportingComponent", "source", "type"],
        ["Secret"] = ["type"],
        ["Namespace"] = ["status.phase"],
        ["Node"] = ["spec.unschedulable"],
        ["Job"] = ["status.successful"],
        ["ReplicaSet"] = ["status.replicas"],
        ["ReplicationController"] = ["status.replicas"],
        ["PersistentVolumeClaim"] = ["spec.volumeName"],
        ["CertificateSigningRequest"] = ["spec.signerName"],
    };

    private readonly IReadOnlyList<(string Field, bool Equal, string Value)> _terms;

    private FieldSelector(IReadOnlyList<(string, bool, string)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public bool IsEmpty => _terms.Count == 0;

    /// <summary>The name <c>metadata.name=</c> selects, if the selector pins one.</summary>
    public string? PinnedName => _terms.FirstOrDefault(t => t.Field == "metadata.name" && t.Equal).Value;

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, bool, string)>();
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var (field, equal, value) = Split(part) ?? throw ApiErrors.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
            var supported = field is "metadata.name" or "metadata.namespace" ||
                            (KindFields.TryGetValue(type.Kind, out var fields) && fields.Contains(field));
            if (!supported)
            {
                throw ApiErrors.BadRequest($"field label not supported: {field}");
            }

            terms.Add((field, equal, value));
        }

        return new FieldSelector(terms);
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (field, equal, value) in _terms)
        {
            var actual = ValueOf(obj, field);
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }

    private static (string, bool, string)? Split(string part)
    {
        foreach (var (token, equal) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            var at = part.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                return (part[..at].Trim(), equal, part[(at + token.Length)..].Trim());
            }
        }

        return null;
    }

    private static string ValueOf(JsonObject obj, string field)
    {
        if (field == "source")
        {
            // Events index "source" as the reporting component (source.component).
            return Text(obj["source"]?["component"]) ?? "";
        }

        if (field == "status.podIPs")
        {
            return Text(obj["status"]?["podIP"]) ?? "";
        }

        JsonNode? node = obj;
        foreach (var segment in field.Split('.'))
        {
            node = node is JsonObject o ? o[segment] : null;
        }

        return field switch
        {
            "spec.hostNetwork" or "spec.unschedulable" => Text(node) ?? "false",
            "status.successful" or "status.replicas" => Text(node) ?? "0",
            _ => Text(node) ?? "",
        };
    }

    private static string? Text(JsonNode? node) => node is null ? null : JsonValues.Display(node);
}
