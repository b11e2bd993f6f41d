using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Http;

/// <summary>
/// The discovery documents (<c>/api</c>, <c>/apis</c>, <c>/api/v1</c>, <c>/apis/G</c>, <c>/apis/G/V</c>) in
/// their plain form; clients asking for aggregated discovery get these too, and fall back to them
/// because the Content-Type has no apidiscovery profile (client-go's discovery client does).
/// </summary>
public static partial class DiscoveryDocuments
{
    public static JsonObject Versions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(ResourceRegistry registry)
    {
        var groups = new JsonArray();
        foreach (var group in Groups(registry))
        {
            groups.Add(Group(registry, group));
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? GroupDocument(ResourceRegistry registry, string group)
    {
        if (!registry.All.Any(t => t.Group == group))
        {
            return null;
        }

        var document = Group(registry, group);
        document["kind"] = "APIGroup";
        document["apiVersion"] = "v1";
        return document;
    }

    public static JsonObject? ResourceList(ResourceRegistry registry, string group, string version)
    {
        var types = registry.All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var type in types.OrderBy(t => t.Plural, StringComparer.Ordinal))
        {
            var entry = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = Strings(type.Verbs),
            };
            if (type.ShortNames.Count > 0)
            {
                entry["shortNames"] = Strings(type.ShortNames);
            }

            if (type.Categories.Count > 0)
            {
                entry["categories"] = Strings(type.Categories);
            }

            resources.Add(entry);
            foreach (var subresource in type.Subresources.Order(StringComparer.Ordinal))
            {
                resources.Add(Subresource(type, subresource));
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    /// <summary>Kubernetes' version order: GA before beta before alpha, higher numbers first, others last by name.</summary>
    public static IEnumerable<string> OrderVersions(IEnumerable<string> versions) =>
        versions.Distinct().OrderBy(VersionRank).ThenBy(v => v, StringComparer.Ordinal);

    private static IEnumerable<string> Groups(ResourceRegistry registry)
    {
        var present = registry.All.Where(t => t.Group.Length > 0).Select(t => t.Group).Distinct().ToList();
        var builtIn = BuiltInResources.GroupOrder.Where(present.Contains);
        return builtIn.Concat(present.Where(g => !BuiltInResources.GroupOrder.Contains(g)).Order(StringComparer.Ordinal));
    }

    private static JsonObject Group(ResourceRegistry registry, string group)
    {
        var versions = OrderVersions(registry.All.Where(t => t.Group == group).Select(t => t.Version)).ToList();
        var list = new JsonArray();
        foreach (var version in versions)
        {
            list.Add(new JsonObject { ["groupVersion"] = $"{group}/{version}", ["version"] = version });
        }

        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = list,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] },
        };
    }

    private static JsonObject Subresource(ResourceType type, string subresource)
    {
        var (group, version, kind, verbs) = subresource switch
        {
            "status" => ((string?)null, (string?)null, type.Kind, new[] { "get", "patch", "update" }),
            "log" => (null, null, "Pod", ["get"]),
            "token" => ("authentication.k8s.io", "v1", "TokenRequest", ["create"]),
            "binding" => (null, null, "Binding", ["create"]),
            "eviction" => ("policy", "v1", "Eviction", ["create"]),
            "scale" => ("autoscaling", "v1", "Scale", ["get", "patch", "update"]),
            "finalize" => (null, null, "Namespace", ["update"]),
            _ => (null, null, type.Kind, ["get"]),
        };
        var entry = new JsonObject
        {
            ["name"] = $"{type.Plural}/{subresource}",
            ["singularName"] = "",
            ["namespaced"] = type.Namespaced,
        };
        if (group is not null)
        {
            entry["group"] = group;
            entry["version"] = version;
        }

        entry["kind"] = kind;
        entry["verbs"] = Strings(verbs);
        return entry;
    }

    private static (int, int, int) VersionRank(string version)
    {
        var match = KubeVersion().Match(version);
        if (!match.Success)
        {
            return (3, 0, 0);
        }

        var major = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var stage = match.Groups[2].Value switch
        {
            "" => 0,
            "beta" => 1,
            _ => 2,
        };
        var minor = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return (stage, -major, -minor);
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    [GeneratedRegex("^v([0-9]+)(?:(alpha|beta)([0-9]+))?$")]
    private static partial Regex KubeVersion();
}
