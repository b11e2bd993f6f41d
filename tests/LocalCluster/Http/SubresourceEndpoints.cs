using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Auth;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Http;

/// <summary>
/// The subresources that are not the object itself: <c>pods/log</c>, <c>pods/binding</c>,
/// <c>pods/eviction</c>, <c>serviceaccounts/token</c> (TokenRequest) and <c>scale</c>.
/// </summary>
public sealed class SubresourceEndpoints
{
    private readonly ResourceService _resources;
    private readonly TokenAuthority _tokens;
    private readonly IPodLogSource _logs;
    private readonly TimeProvider _time;

    public SubresourceEndpoints(ResourceService resources, TokenAuthority tokens, IPodLogSource logs, TimeProvider time)
    {
        _resources = resources;
        _tokens = tokens;
        _logs = logs;
        _time = time;
    }

    public async Task HandleAsync(HttpContext context, UserInfo user, ResourceType type, ApiPath path)
    {
        var request = context.Request;
        var ns = path.Namespace;
        switch (path.Subresource, request.Method)
        {
            case ("log", "GET"):
                await LogAsync(context, _resources.Get(type, ns, path.Name)).ConfigureAwait(false);
                return;
            case ("token", "POST"):
                var tokenRequest = await RequestBodies.ReadAsync(request, context.RequestAborted).ConfigureAwait(false) as JsonObject ?? [];
                await ApiResponses.WriteJsonAsync(context, 201, Token(type, ns!, path.Name, tokenRequest)).ConfigureAwait(false);
                return;
            case ("binding", "POST"):
                var binding = await RequestBodies.ReadAsync(request, context.RequestAborted).ConfigureAwait(false) as JsonObject ?? [];
                Bind(type, ns!, path.Name, binding);
                await ApiResponses.WriteJsonAsync(context, 201, SuccessStatus()).ConfigureAwait(false);
                return;
            case ("eviction", "POST"):
                var eviction = await RequestBodies.ReadAsync(request, context.RequestAborted).ConfigureAwait(false) as JsonObject ?? [];
                Evict(type, ns!, path.Name, eviction);
                await ApiResponses.WriteJsonAsync(context, 201, SuccessStatus()).ConfigureAwait(false);
                return;
            case ("scale", "GET"):
                await ApiResponses.WriteJsonAsync(context, 200, Scale(type, _resources.Get(type, ns, path.Name))).ConfigureAwait(false);
                return;
            case ("scale", "PUT" or "PATCH"):
                var body = await RequestBodies.ReadAsync(request, context.RequestAborted).ConfigureAwait(false) ?? new JsonObject();
                await ApiResponses.WriteJsonAsync(context, 200, Rescale(type, ns, path.Name, request.Method, request.ContentType ?? "", body)).ConfigureAwait(false);
                return;
            default:
                throw ApiErrors.MethodNotAllowed();
        }
    }

    private async Task LogAsync(HttpContext context, JsonObject pod)
    {
        var containers = BuiltInDefaults.Objects(pod["spec"]?["containers"]).Select(c => JsonValues.String(c["name"]) ?? "").ToList();
        var all = containers.Concat(BuiltInDefaults.Objects(pod["spec"]?["initContainers"]).Select(c => JsonValues.String(c["name"]) ?? "")).ToList();
        var container = HttpQuery.Text(context.Request.Query, "container");
        if (string.IsNullOrEmpty(container))
        {
            if (containers.Count != 1)
            {
                throw ApiErrors.BadRequest($"a container name must be specified for pod {Metadata.Name(pod)}, choose one of: [{string.Join(" ", containers)}]");
            }

            container = containers[0];
        }
        else if (!all.Contains(container))
        {
            throw ApiErrors.BadRequest($"container {container} is not valid for pod {Metadata.Name(pod)}");
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await _logs.WriteAsync(pod, container, HttpQuery.Log(context.Request.Query), context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>pods/eviction</c>: a pod that has not ended first gets the <c>DisruptionTarget</c> condition the eviction API
    /// adds (reason <c>EvictionByEvictionAPI</c>), then it is deleted with the eviction's delete options.
    /// PodDisruptionBudgets are not consulted.
    /// </summary>
    private void Evict(ResourceType type, string ns, string name, JsonObject eviction)
    {
        var pod = _resources.Get(type, ns, name);
        var options = eviction["deleteOptions"] as JsonObject;
        if (JsonValues.String(pod["status"]?["phase"]) is not ("Succeeded" or "Failed") && !Metadata.IsDeleting(pod))
        {
            _resources.Mutate(type, ns, name, current =>
            {
                var status = BuiltInDefaults.Ensure(current, "status");
                var conditions = status["conditions"] as JsonArray ?? [];
                status["conditions"] = conditions;
                foreach (var old in conditions.OfType<JsonObject>().Where(c => JsonValues.String(c["type"]) == "DisruptionTarget").ToList())
                {
                    conditions.Remove(old);
                }

                conditions.Add(new JsonObject
                {
                    ["type"] = "DisruptionTarget",
                    ["status"] = "True",
                    ["lastProbeTime"] = null,
                    ["lastTransitionTime"] = Metadata.Timestamp(_time.GetUtcNow()),
                    ["reason"] = "EvictionByEvictionAPI",
                    ["message"] = "Eviction API: evicting",
                });
                return true;
            }, "status");
        }

        _resources.Delete(type, ns, name, new DeleteOptions
        {
            GracePeriodSeconds = JsonValues.Long(options?["gracePeriodSeconds"]),
            PreconditionUid = JsonValues.String(options?["preconditions"]?["uid"]),
        });
    }

    private JsonObject Token(ResourceType type, string ns, string name, JsonObject tokenRequest)
    {
        var account = _resources.Get(type, ns, name);
        var spec = tokenRequest["spec"] as JsonObject ?? [];
        var seconds = JsonValues.Long(spec["expirationSeconds"]) ?? 3600;
        if (seconds < 600)
        {
            throw new ApiException(422, "Invalid", $"TokenRequest.authentication.k8s.io \"{name}\" is invalid: spec.expirationSeconds: Invalid value: {seconds}: may not specify a duration less than 10 minutes");
        }

        (string, string)? pod = null;
        if (spec["boundObjectRef"] is JsonObject bound && JsonValues.String(bound["kind"]) == "Pod")
        {
            var podType = _resources.Registry.Find("", "v1", "pods")!;
            var boundPod = _resources.Get(podType, ns, JsonValues.String(bound["name"]) ?? "");
            pod = (Metadata.Name(boundPod), Metadata.Uid(boundPod)!);
        }

        var audiences = (spec["audiences"] as JsonArray)?.Select(JsonValues.String).OfType<string>().ToList() ?? [];
        var issued = _tokens.IssueServiceAccountToken(ns, name, Metadata.Uid(account)!, audiences, TimeSpan.FromSeconds(seconds), pod);
        spec["audiences"] = new JsonArray((audiences.Count > 0 ? audiences : [TokenAuthority.Issuer]).Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        spec["expirationSeconds"] = seconds;
        return new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["creationTimestamp"] = null },
            ["spec"] = spec.DeepClone(),
            ["status"] = new JsonObject
            {
                ["token"] = issued.Token,
                ["expirationTimestamp"] = Metadata.Timestamp(issued.ExpirationTimestamp),
            },
        };
    }

    private void Bind(ResourceType type, string ns, string name, JsonObject binding)
    {
        var node = JsonValues.String(binding["target"]?["name"]);
        if (string.IsNullOrEmpty(node))
        {
            throw ApiErrors.Invalid(type, name, "target.name", "FieldValueRequired", "Required value");
        }

        var pod = _resources.Get(type, ns, name);
        if (JsonValues.String(pod["spec"]?["nodeName"]) is { Length: > 0 } assigned)
        {
            throw ApiErrors.Conflict(type, name, $"pod {name} is already assigned to node \"{assigned}\"");
        }

        if (Metadata.IsDeleting(pod))
        {
            throw ApiErrors.Conflict(type, name, $"pod {name} is being deleted, cannot be assigned to a host");
        }

        // Binding sets spec.nodeName, which no update may change: written directly, as the registry's binding REST does.
        _resources.Bind(type, ns, name, node);
    }

    private JsonObject Scale(ResourceType type, JsonObject obj)
    {
        var (specPath, statusPath, selectorPath) = ScalePaths(type);
        var selector = selectorPath is null ? null : Read(obj, selectorPath);
        var status = new JsonObject { ["replicas"] = JsonValues.Long(Read(obj, statusPath)) ?? 0 };
        if (type.Custom is null && obj["spec"]?["selector"] is JsonObject labelSelector)
        {
            status["selector"] = string.Join(",", (labelSelector["matchLabels"] as JsonObject ?? []).Select(l => $"{l.Key}={JsonValues.Display(l.Value)}"));
        }
        else if (selector is not null)
        {
            status["selector"] = JsonValues.Display(selector);
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = Metadata.Name(obj),
                ["namespace"] = Metadata.Namespace(obj),
                ["uid"] = Metadata.Uid(obj),
                ["resourceVersion"] = Metadata.ResourceVersion(obj),
                ["creationTimestamp"] = obj["metadata"]?["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = JsonValues.Long(Read(obj, specPath)) ?? 0 },
            ["status"] = status,
        };
    }

    private JsonObject Rescale(ResourceType type, string? ns, string name, string method, string contentType, JsonNode body)
    {
        var current = Scale(type, _resources.Get(type, ns, name));
        var wanted = method == "PUT"
            ? body
            : contentType.StartsWith("application/json-patch+json", StringComparison.Ordinal) && body is JsonArray operations
                ? Semantics.Patches.ApplyJsonPatch(current, operations)
                : Semantics.Patches.ApplyMergePatch(current, body);
        var replicas = JsonValues.Long(wanted["spec"]?["replicas"]) ?? throw ApiErrors.BadRequest("spec.replicas is required");
        var requiredVersion = JsonValues.String(wanted["metadata"]?["resourceVersion"]);
        var (specPath, _, _) = ScalePaths(type);
        var updated = _resources.Mutate(type, ns, name, obj =>
        {
            if (!string.IsNullOrEmpty(requiredVersion) && requiredVersion != Metadata.ResourceVersion(obj))
            {
                throw ApiErrors.StaleResourceVersion(type, name);
            }

            Write(obj, specPath, replicas);
            return true;
        }) ?? throw ApiErrors.NotFound(type, name);
        return Scale(type, updated);
    }

    private static (string Spec, string Status, string? Selector) ScalePaths(ResourceType type)
    {
        if (type.Custom?.ScaleSubresource is { } scale)
        {
            return (JsonValues.String(scale["specReplicasPath"]) ?? ".spec.replicas",
                    JsonValues.String(scale["statusReplicasPath"]) ?? ".status.replicas",
                    JsonValues.String(scale["labelSelectorPath"]));
        }

        return (".spec.replicas", ".status.replicas", null);
    }

    private static JsonNode? Read(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var segment in path.TrimStart('.').Split('.'))
        {
            node = (node as JsonObject)?[segment];
        }

        return node;
    }

    private static void Write(JsonObject obj, string path, long value)
    {
        var segments = path.TrimStart('.').Split('.');
        var node = obj;
        foreach (var segment in segments[..^1])
        {
            node = BuiltInDefaults.Ensure(node, segment);
        }

        node[segments[^1]] = value;
    }

    private static JsonObject SuccessStatus() => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["code"] = 201,
    };
}
