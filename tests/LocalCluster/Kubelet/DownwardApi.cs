using System.Globalization;
using System.Net;
using k8s.Models;
using ZkSync.LocalCluster.Controllers;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// The downward API: the values of <c>fieldRef</c> and <c>resourceFieldRef</c> for env and volumes, as the kubelet
/// computes them (fieldpath.ExtractFieldPathAsString, podFieldSelectorRuntimeValue,
/// resource.ExtractContainerResourceValue).
/// </summary>
public static class DownwardApi
{
    /// <exception cref="ContainerConfigException">A field path the downward API does not offer.</exception>
    public static string FieldValue(V1Pod pod, string fieldPath, IPAddress? podIP, string hostIP)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(fieldPath);
        var metadata = pod.Metadata;
        if (Subscript(fieldPath, "metadata.labels") is { } label)
        {
            return metadata.Labels?.TryGetValue(label, out var value) == true ? value : "";
        }

        if (Subscript(fieldPath, "metadata.annotations") is { } annotation)
        {
            return metadata.Annotations?.TryGetValue(annotation, out var value) == true ? value : "";
        }

        return fieldPath switch
        {
            "metadata.name" => metadata.Name,
            "metadata.namespace" => metadata.NamespaceProperty,
            "metadata.uid" => metadata.Uid,
            "metadata.labels" => FormatMap(metadata.Labels),
            "metadata.annotations" => FormatMap(metadata.Annotations),
            "spec.nodeName" => pod.Spec.NodeName ?? "",
            "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "",
            "status.hostIP" or "status.hostIPs" => hostIP,
            "status.podIP" or "status.podIPs" => podIP?.ToString() ?? "",
            _ => throw new ContainerConfigException($"unsupported fieldPath: {fieldPath}"),
        };
    }

    /// <summary>A container's resource (<c>limits.cpu</c>, <c>requests.memory</c> ...) divided by the divisor and rounded
    /// up; a limit the container does not set is the node's allocatable.</summary>
    /// <exception cref="ContainerConfigException">An unknown resource or container.</exception>
    public static string ResourceValue(V1Pod pod, string? containerName, string resource, ResourceQuantity? divisor,
        IReadOnlyDictionary<string, string> allocatable)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(allocatable);
        var container = (pod.Spec.Containers ?? []).Concat(pod.Spec.InitContainers ?? [])
            .FirstOrDefault(c => containerName is null || c.Name == containerName)
            ?? throw new ContainerConfigException($"container {containerName} not found");
        var dot = resource.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || resource[..dot] is not ("limits" or "requests"))
        {
            throw new ContainerConfigException($"unsupported container resource : {resource}");
        }

        var name = resource[(dot + 1)..];
        var limits = container.Resources?.Limits;
        var requests = container.Resources?.Requests;
        decimal? value = resource[..dot] == "limits"
            ? limits?.TryGetValue(name, out var limit) == true ? limit.ToDecimal() : Allocatable(allocatable, name)
            : requests?.TryGetValue(name, out var request) == true ? request.ToDecimal()
            : limits?.TryGetValue(name, out var asRequest) == true ? asRequest.ToDecimal() : 0;
        if (value is null)
        {
            throw new ContainerConfigException($"unsupported container resource : {resource}");
        }

        var by = divisor?.ToDecimal() is { } d && d != 0 ? d : 1m;
        return decimal.Ceiling(value.Value / by).ToString(CultureInfo.InvariantCulture);
    }

    private static decimal? Allocatable(IReadOnlyDictionary<string, string> allocatable, string name) =>
        allocatable.TryGetValue(name, out var text) ? Quantities.Parse(System.Text.Json.Nodes.JsonValue.Create(text)) : null;

    private static string? Subscript(string fieldPath, string map)
    {
        if (!fieldPath.StartsWith(map + "['", StringComparison.Ordinal) || !fieldPath.EndsWith("']", StringComparison.Ordinal))
        {
            return null;
        }

        return fieldPath[(map.Length + 2)..^2];
    }

    /// <summary>Sorted <c>key="value"</c> lines, as the downward API writes a whole map.</summary>
    private static string FormatMap(IDictionary<string, string>? map) =>
        map is null ? "" : string.Join("\n", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}=\"{p.Value}\""));
}
