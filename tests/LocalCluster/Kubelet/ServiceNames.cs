using System.Net;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Kubelet.Runtime;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// The names a pod resolves through its /etc/hosts, standing in for cluster DNS: each Service as <c>svc.ns</c>,
/// <c>svc.ns.svc</c> and <c>svc.ns.svc.cluster.local</c> (and plain <c>svc</c> in the pod's own namespace), pointing
/// at the addresses its Endpoints list as ready (or all, with <c>publishNotReadyAddresses</c>); for headless Services
/// also each endpoint with a hostname as <c>host.svc...</c>. There is no kube-proxy: a name resolves to a pod's
/// address, never to the Service's clusterIP, so clients must connect to the target port, not the Service port.
/// ExternalName Services are not resolved.
/// </summary>
public static class ServiceNames
{
    public static IReadOnlyList<HostEntry> For(string podNamespace, IEnumerable<JsonObject> services, IReadOnlyDictionary<string, JsonObject> endpoints,
        string clusterDomain = "cluster.local")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endpoints);
        var entries = new List<HostEntry>();
        foreach (var service in services.OrderBy(s => Metadata.Namespace(s), StringComparer.Ordinal).ThenBy(Metadata.Name, StringComparer.Ordinal))
        {
            var ns = Metadata.Namespace(service) ?? "";
            var name = Metadata.Name(service);
            if (JsonValues.String(service["spec"]?["type"]) == "ExternalName" || !endpoints.TryGetValue($"{ns}/{name}", out var endpoint))
            {
                continue;
            }

            var addresses = (endpoint["subsets"] as JsonArray)?.OfType<JsonObject>()
                .SelectMany(s => (s["addresses"] as JsonArray)?.OfType<JsonObject>() ?? [])
                .ToList() ?? [];
            var serviceNames = Names(name, ns, podNamespace, clusterDomain);
            foreach (var ip in addresses.Select(a => JsonValues.String(a["ip"])).Distinct(StringComparer.Ordinal))
            {
                if (IPAddress.TryParse(ip, out var parsed))
                {
                    entries.Add(new HostEntry(parsed, serviceNames));
                }
            }

            if (JsonValues.String(service["spec"]?["clusterIP"]) != "None")
            {
                continue;
            }

            foreach (var address in addresses)
            {
                if (JsonValues.String(address["hostname"]) is { Length: > 0 } host && IPAddress.TryParse(JsonValues.String(address["ip"]), out var parsed))
                {
                    entries.Add(new HostEntry(parsed, Names($"{host}.{name}", ns, podNamespace, clusterDomain)));
                }
            }
        }

        return entries;
    }

    private static List<string> Names(string name, string ns, string podNamespace, string clusterDomain)
    {
        var names = new List<string> { $"{name}.{ns}.svc.{clusterDomain}", $"{name}.{ns}.svc", $"{name}.{ns}" };
        if (ns == podNamespace)
        {
            names.Add(name);
        }

        return names;
    }
}
