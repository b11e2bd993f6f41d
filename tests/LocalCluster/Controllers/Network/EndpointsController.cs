using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers.Network;

/// <summary>
/// The endpoints and endpointslice controllers: for each Service with a selector, the Endpoints of the same name
/// (ready pods' addresses, not-ready ones under <c>notReadyAddresses</c> unless <c>publishNotReadyAddresses</c>; a pod
/// whose <c>hostname</c> and <c>subdomain</c> name the Service carries its hostname; ports resolved from each pod's
/// named container ports) and one EndpointSlice (<c>kubernetes.io/service-name</c>, owned by the Service). Pods that
/// ended or have no address yet are left out; pods being deleted count as not ready (terminating). Services without a
/// selector keep the Endpoints their users write.
/// </summary>
public sealed class EndpointsController : KeyedController
{
    private const string ManagedBy = "endpointslice-controller.k8s.io";
    private readonly ResourceService _resources;
    private readonly ClusterTypes _types;

    public EndpointsController(ResourceService resources, ClusterTypes types, TimeProvider time, ILogger<EndpointsController> logger)
        : base(resources.Store, time, logger)
    {
        _resources = resources;
        _types = types;
    }

    protected override IEnumerable<string> KeysFor(StoreEvent change)
    {
        if (change.StorageKey == _types.Services.StorageKey)
        {
            yield return Owners.Key(change.Object);
        }
        else if (change.StorageKey == _types.Pods.StorageKey)
        {
            // Every Service of the namespace whose selector matches the pod now or before.
            var ns = Metadata.Namespace(change.Object);
            foreach (var service in _resources.Store.List(_types.Services.StorageKey, ns).Items)
            {
                if (service["spec"]?["selector"] is JsonObject selector && selector.Count > 0)
                {
                    var matches = LabelSelector.FromObject(new JsonObject { ["matchLabels"] = selector.DeepClone() });
                    if (matches.Matches(Metadata.Labels(change.Object)) || (change.Previous is { } before && matches.Matches(Metadata.Labels(before))))
                    {
                        yield return Owners.Key(service);
                    }
                }
            }
        }
    }

    protected override Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = Owners.SplitKey(key);
        var service = _resources.Store.Get(_types.Services.StorageKey, ns, name);
        if (service is null || Metadata.IsDeleting(service))
        {
            if (service is null && _resources.Store.Get(_types.Endpoints.StorageKey, ns, name) is { } stale && IsManaged(stale))
            {
                TryDelete(_types.Endpoints, ns, name);
            }

            return Task.FromResult<TimeSpan?>(null);
        }

        if (service["spec"]?["selector"] is not JsonObject selector || selector.Count == 0)
        {
            return Task.FromResult<TimeSpan?>(null);
        }

        var matches = LabelSelector.FromObject(new JsonObject { ["matchLabels"] = selector.DeepClone() });
        var pods = _resources.Store.List(_types.Pods.StorageKey, ns, p => matches.Matches(Metadata.Labels(p)) && !PodFacts.IsTerminal(p) &&
                                                                          JsonValues.String(p["status"]?["podIP"]) is { Length: > 0 }).Items
            .OrderBy(Metadata.Name, StringComparer.Ordinal).ToList();
        var publishNotReady = JsonValues.Bool(service["spec"]?["publishNotReadyAddresses"]) == true;
        var ports = BuiltInDefaults.Objects(service["spec"]?["ports"]).ToList();
        WriteEndpoints(service, pods, ports, publishNotReady);
        WriteSlice(service, pods, ports, publishNotReady);
        return Task.FromResult<TimeSpan?>(null);
    }

    private void WriteEndpoints(JsonObject service, List<JsonObject> pods, List<JsonObject> ports, bool publishNotReady)
    {
        // Pods whose named ports resolve alike share a subset, as the real controller groups them.
        var subsets = new List<(JsonArray Ports, JsonArray Ready, JsonArray NotReady)>();
        foreach (var pod in pods)
        {
            var resolved = ResolvePorts(pod, ports, forSlice: false);
            var subset = subsets.FirstOrDefault(s => JsonNode.DeepEquals(s.Ports, resolved));
            if (subset.Ports is null)
            {
                subset = (resolved, [], []);
                subsets.Add(subset);
            }

            var ready = PodFacts.IsReady(pod) && !Metadata.IsDeleting(pod);
            (ready || publishNotReady ? subset.Ready : subset.NotReady).Add(Address(service, pod));
        }

        var json = new JsonArray();
        foreach (var (subsetPorts, ready, notReady) in subsets)
        {
            var subset = new JsonObject();
            if (ready.Count > 0)
            {
                subset["addresses"] = ready;
            }

            if (notReady.Count > 0)
            {
                subset["notReadyAddresses"] = notReady;
            }

            if (subsetPorts.Count > 0)
            {
                subset["ports"] = subsetPorts;
            }

            json.Add(subset);
        }

        var ns = Metadata.Namespace(service);
        var name = Metadata.Name(service);
        var labels = Metadata.Labels(service)?.DeepClone() as JsonObject ?? [];
        if (JsonValues.String(service["spec"]?["clusterIP"]) == "None")
        {
            labels["service.kubernetes.io/headless"] = "";
        }

        var existing = _resources.Store.Get(_types.Endpoints.StorageKey, ns, name);
        if (existing is null)
        {
            var created = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Endpoints",
                ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels },
            };
            if (json.Count > 0)
            {
                created["subsets"] = json;
            }

            try
            {
                _resources.Create(_types.Endpoints, ns, created, new WriteOptions());
            }
            catch (ApiException e) when (e.Reason is "AlreadyExists" or "Forbidden")
            {
            }

            return;
        }

        _resources.Mutate(_types.Endpoints, ns, name, current =>
        {
            var next = json.Count > 0 ? (JsonNode)json.DeepClone() : null;
            if (JsonNode.DeepEquals(current["subsets"], next) && JsonNode.DeepEquals(Metadata.Labels(current), labels))
            {
                return false;
            }

            if (next is null)
            {
                current.Remove("subsets");
            }
            else
            {
                current["subsets"] = next;
            }

            Metadata.Of(current)["labels"] = labels.DeepClone();
            return true;
        });
    }

    private void WriteSlice(JsonObject service, List<JsonObject> pods, List<JsonObject> ports, bool publishNotReady)
    {
        var ns = Metadata.Namespace(service);
        var name = Metadata.Name(service);
        var endpoints = new JsonArray();
        foreach (var pod in pods)
        {
            var terminating = Metadata.IsDeleting(pod);
            var ready = PodFacts.IsReady(pod);
            var endpoint = new JsonObject
            {
                ["addresses"] = new JsonArray(JsonValues.String(pod["status"]?["podIP"])),
                ["conditions"] = new JsonObject
                {
                    ["ready"] = (ready && !terminating) || publishNotReady,
                    ["serving"] = ready,
                    ["terminating"] = terminating,
                },
                ["targetRef"] = TargetRef(pod),
            };
            if (PodFacts.NodeName(pod) is { } node)
            {
                endpoint["nodeName"] = node;
            }

            if (Hostname(service, pod) is { } hostname)
            {
                endpoint["hostname"] = hostname;
            }

            endpoints.Add(endpoint);
        }

        var slicePorts = pods.Count > 0 ? ResolvePorts(pods[0], ports, forSlice: true) : [];
        var labels = Metadata.Labels(service)?.DeepClone() as JsonObject ?? [];
        labels["kubernetes.io/service-name"] = name;
        labels["endpointslice.kubernetes.io/managed-by"] = ManagedBy;
        var existing = _resources.Store.List(_types.EndpointSlices.StorageKey, ns,
            s => JsonValues.String(Metadata.Labels(s)?["kubernetes.io/service-name"]) == name && Owners.IsControlledBy(s, service)).Items;
        if (existing.Count == 0)
        {
            try
            {
                _resources.Create(_types.EndpointSlices, ns, new JsonObject
                {
                    ["apiVersion"] = "discovery.k8s.io/v1",
                    ["kind"] = "EndpointSlice",
                    ["metadata"] = new JsonObject
                    {
                        ["generateName"] = name + "-",
                        ["labels"] = labels,
                        ["ownerReferences"] = new JsonArray(Owners.ControllerReference(service)),
                    },
                    ["addressType"] = "IPv4",
                    ["endpoints"] = endpoints,
                    ["ports"] = slicePorts,
                }, new WriteOptions());
            }
            catch (ApiException e) when (e.Reason == "Forbidden")
            {
            }

            return;
        }

        _resources.Mutate(_types.EndpointSlices, ns, Metadata.Name(existing[0]), current =>
        {
            if (JsonNode.DeepEquals(current["endpoints"], endpoints) && JsonNode.DeepEquals(current["ports"], slicePorts))
            {
                return false;
            }

            current["endpoints"] = endpoints.DeepClone();
            current["ports"] = slicePorts.DeepClone();
            return true;
        });
    }

    /// <summary>The service's ports as one pod serves them: a named targetPort is the pod's container port of that name.</summary>
    private static JsonArray ResolvePorts(JsonObject pod, List<JsonObject> ports, bool forSlice)
    {
        var result = new JsonArray();
        foreach (var port in ports)
        {
            var target = port["targetPort"] ?? port["port"];
            long? number = JsonValues.Long(target);
            if (number is null && JsonValues.String(target) is { } portName)
            {
                number = BuiltInDefaults.Objects(pod["spec"]?["containers"])
                    .SelectMany(c => BuiltInDefaults.Objects(c["ports"]))
                    .Where(p => JsonValues.String(p["name"]) == portName)
                    .Select(p => JsonValues.Long(p["containerPort"]))
                    .FirstOrDefault();
            }

            if (number is null)
            {
                continue;
            }

            var resolved = new JsonObject();
            if (JsonValues.String(port["name"]) is { Length: > 0 } name || forSlice)
            {
                resolved["name"] = JsonValues.String(port["name"]) ?? "";
            }

            resolved["port"] = number;
            resolved["protocol"] = JsonValues.String(port["protocol"]) ?? "TCP";
            if (port["appProtocol"] is { } appProtocol)
            {
                resolved["appProtocol"] = appProtocol.DeepClone();
            }

            result.Add(resolved);
        }

        return result;
    }

    private static JsonObject Address(JsonObject service, JsonObject pod)
    {
        var address = new JsonObject { ["ip"] = JsonValues.String(pod["status"]?["podIP"]) };
        if (Hostname(service, pod) is { } hostname)
        {
            address["hostname"] = hostname;
        }

        if (PodFacts.NodeName(pod) is { } node)
        {
            address["nodeName"] = node;
        }

        address["targetRef"] = TargetRef(pod);
        return address;
    }

    private static string? Hostname(JsonObject service, JsonObject pod) =>
        JsonValues.String(pod["spec"]?["hostname"]) is { Length: > 0 } hostname && JsonValues.String(pod["spec"]?["subdomain"]) == Metadata.Name(service)
            ? hostname
            : null;

    private static JsonObject TargetRef(JsonObject pod) => new()
    {
        ["kind"] = "Pod",
        ["namespace"] = Metadata.Namespace(pod),
        ["name"] = Metadata.Name(pod),
        ["uid"] = Metadata.Uid(pod),
    };

    private static bool IsManaged(JsonObject endpoints) =>
        JsonValues.String(Metadata.Labels(endpoints)?["endpointslice.kubernetes.io/skip-mirror"]) is null;

    private void TryDelete(Resources.ResourceType type, string? ns, string name)
    {
        try
        {
            _resources.Delete(type, ns, name, new DeleteOptions());
        }
        catch (ApiException e) when (e.Code == 404)
        {
        }
    }
}
