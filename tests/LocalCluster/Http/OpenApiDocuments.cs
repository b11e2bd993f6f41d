using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Http;

/// <summary>
/// A minimal <c>/openapi/v3</c>: the root lists every served group-version, and each group-version
/// document has the resources' operations, each PATCH marked with its
/// <c>x-kubernetes-group-version-kind</c> and the <c>fieldValidation</c> parameter, which is what
/// <c>kubectl --validate=strict</c> looks for before it lets the server validate fields. No schemas:
/// kubectl then builds its patches from its own compiled types.
/// </summary>
public static class OpenApiDocuments
{
    public static JsonObject Root(ResourceRegistry registry)
    {
        var paths = new JsonObject();
        foreach (var (group, version) in registry.All.Select(t => (t.Group, t.Version)).Distinct()
                     .OrderBy(g => g.Group, StringComparer.Ordinal).ThenBy(g => g.Version, StringComparer.Ordinal))
        {
            var key = group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
            var document = GroupVersion(registry, group, version)!;
            var hash = Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(document.ToJsonString())));
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document of <c>api/v1</c> or <c>apis/G/V</c>, or null when not served.</summary>
    public static JsonObject? GroupVersion(ResourceRegistry registry, string group, string version)
    {
        var types = registry.All.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        foreach (var type in types)
        {
            var collection = type.Namespaced
                ? $"{type.PathPrefix}/namespaces/{{namespace}}/{type.Plural}"
                : $"{type.PathPrefix}/{type.Plural}";
            var gvk = new JsonObject { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = type.Kind };
            if (!type.IsStored)
            {
                paths[collection] = new JsonObject { ["post"] = Operation("create", type, gvk) };
                continue;
            }

            paths[collection] = new JsonObject
            {
                ["get"] = Operation("list", type, gvk),
                ["post"] = Operation("create", type, gvk),
                ["delete"] = Operation("deletecollection", type, gvk),
            };
            paths[$"{collection}/{{name}}"] = new JsonObject
            {
                ["get"] = Operation("read", type, gvk),
                ["put"] = Operation("replace", type, gvk),
                ["patch"] = Operation("patch", type, gvk),
                ["delete"] = Operation("delete", type, gvk),
            };
            if (type.HasStatus)
            {
                paths[$"{collection}/{{name}}/status"] = new JsonObject
                {
                    ["get"] = Operation("read", type, gvk),
                    ["put"] = Operation("replace", type, gvk),
                    ["patch"] = Operation("patch", type, gvk),
                };
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static JsonObject Operation(string action, ResourceType type, JsonObject gvk)
    {
        var parameters = new JsonArray();
        if (action is "create" or "replace" or "patch")
        {
            parameters.Add(Query("dryRun"));
            parameters.Add(Query("fieldManager"));
            parameters.Add(Query("fieldValidation"));
        }

        if (action == "patch")
        {
            parameters.Add(Query("force"));
        }

        return new JsonObject
        {
            ["operationId"] = $"{action}{type.Kind}",
            ["parameters"] = parameters,
            ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
            ["x-kubernetes-action"] = action switch
            {
                "read" => "get",
                "replace" => "put",
                "create" => "post",
                _ => action,
            },
            ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
        };
    }

    private static JsonObject Query(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = name == "force" ? "boolean" : "string", ["uniqueItems"] = true },
    };
}
