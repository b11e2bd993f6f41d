using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>The Node object the kubelet registers for a <see cref="LocalNode"/>: labels, taints, capacity, conditions,
/// addresses and node info as a kubelet reports them.</summary>
public static class NodeObjects
{
    public const string KubeletVersion = "v1.32.0";
    public const string InternalIP = "127.0.0.1";

    public static JsonObject Build(LocalNode node, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(node);
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.Arm64 => "arm64",
            Architecture.X64 => "amd64",
            var other => other.ToString().ToLowerInvariant(),
        };
        var labels = new JsonObject
        {
            ["beta.kubernetes.io/arch"] = arch,
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = arch,
            ["kubernetes.io/hostname"] = node.Name,
            ["kubernetes.io/os"] = "linux",
        };
        foreach (var (key, value) in node.Labels)
        {
            labels[key] = value;
        }

        var taints = new JsonArray();
        foreach (var taint in node.Taints)
        {
            taints.Add(ParseTaint(taint));
        }

        var capacity = new JsonObject();
        foreach (var (key, value) in node.Capacity)
        {
            capacity[key] = value;
        }

        var stamp = Resources.Metadata.Timestamp(now);
        JsonObject Condition(string type, string status, string reason, string message) => new()
        {
            ["type"] = type, ["status"] = status, ["lastHeartbeatTime"] = stamp, ["lastTransitionTime"] = stamp, ["reason"] = reason, ["message"] = message,
        };

        var spec = new JsonObject();
        if (taints.Count > 0)
        {
            spec["taints"] = taints;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = node.Name,
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    ["node.alpha.kubernetes.io/ttl"] = "0",
                    ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true",
                },
            },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["capacity"] = capacity,
                ["allocatable"] = capacity.DeepClone(),
                ["conditions"] = new JsonArray(
                    Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")),
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = InternalIP },
                    new JsonObject { ["type"] = "Hostname", ["address"] = node.Name }),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["machineID"] = "",
                    ["systemUUID"] = "",
                    ["bootID"] = "",
                    ["kernelVersion"] = Environment.OSVersion.Version.ToString(),
                    ["osImage"] = RuntimeInformation.OSDescription,
                    ["containerRuntimeVersion"] = "local-process://1.0",
                    ["kubeletVersion"] = KubeletVersion,
                    ["kubeProxyVersion"] = "",
                    ["operatingSystem"] = "linux",
                    ["architecture"] = arch,
                },
            },
        };
    }

    /// <summary>Parses <c>key[=value]:Effect</c>.</summary>
    /// <exception cref="ArgumentException">Not a taint (one-line message).</exception>
    public static JsonObject ParseTaint(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        var effect = colon < 0 ? "" : text[(colon + 1)..];
        if (colon <= 0 || effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
        {
            throw new ArgumentException($"taint {text}: expected key[=value]:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute");
        }

        var keyValue = text[..colon];
        var equals = keyValue.IndexOf('=', StringComparison.Ordinal);
        var taint = new JsonObject { ["key"] = equals < 0 ? keyValue : keyValue[..equals] };
        if (equals >= 0)
        {
            taint["value"] = keyValue[(equals + 1)..];
        }

        taint["effect"] = effect;
        return taint;
    }
}
