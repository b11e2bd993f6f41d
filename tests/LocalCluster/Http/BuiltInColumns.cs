using System.Globalization;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Http;

/// <summary>
/// The columns and cells a 1.32 server prints for the built-in kinds (pkg/printers/internalversion),
/// for the kinds this server serves; any other kind gets Age only.
/// </summary>
public static class BuiltInColumns
{
    public static IReadOnlyList<PrinterColumn> For(string kind) => kind switch
    {
        "Pod" =>
        [
            Col("Ready", "string"), Col("Status", "string"), Col("Restarts", "string"), Age(),
            Col("IP", "string", 1), Col("Node", "string", 1), Col("Nominated Node", "string", 1), Col("Readiness Gates", "string", 1),
        ],
        "Namespace" => [Col("Status", "string"), Age()],
        "ConfigMap" => [Col("Data", "string"), Age()],
        "Secret" => [Col("Type", "string"), Col("Data", "string"), Age()],
        "ServiceAccount" => [Col("Secrets", "string"), Age()],
        "Service" => [Col("Type", "string"), Col("Cluster-IP", "string"), Col("External-IP", "string"), Col("Port(s)", "string"), Age(), Col("Selector", "string", 1)],
        "PersistentVolumeClaim" =>
        [
            Col("Status", "string"), Col("Volume", "string"), Col("Capacity", "string"), Col("Access Modes", "string"),
            Col("StorageClass", "string"), Col("VolumeAttributesClass", "string"), Age(), Col("VolumeMode", "string", 1),
        ],
        "PersistentVolume" =>
        [
            Col("Capacity", "string"), Col("Access Modes", "string"), Col("Reclaim Policy", "string"), Col("Status", "string"),
            Col("Claim", "string"), Col("StorageClass", "string"), Col("VolumeAttributesClass", "string"), Col("Reason", "string"), Age(),
            Col("VolumeMode", "string", 1),
        ],
        "StorageClass" => [Col("Provisioner", "string"), Col("ReclaimPolicy", "string"), Col("VolumeBindingMode", "string"), Col("AllowVolumeExpansion", "string"), Age()],
        "Node" => [Col("Status", "string"), Col("Roles", "string"), Age(), Col("Version", "string")],
        "Job" => [Col("Status", "string"), Col("Completions", "string"), Col("Duration", "string"), Age(), Col("Containers", "string", 1), Col("Images", "string", 1), Col("Selector", "string", 1)],
        "Deployment" => [Col("Ready", "string"), Col("Up-to-date", "string"), Col("Available", "string"), Age(), Col("Containers", "string", 1), Col("Images", "string", 1), Col("Selector", "string", 1)],
        "ReplicaSet" => [Col("Desired", "integer"), Col("Current", "integer"), Col("Ready", "integer"), Age(), Col("Containers", "string", 1), Col("Images", "string", 1), Col("Selector", "string", 1)],
        "StatefulSet" => [Col("Ready", "string"), Age(), Col("Containers", "string", 1), Col("Images", "string", 1)],
        "Lease" => [Col("Holder", "string"), Age()],
        "Event" => [Col("Last Seen", "string"), Col("Type", "string"), Col("Reason", "string"), Col("Object", "string"), Col("Message", "string")],
        "Role" or "ClusterRole" => [Col("Created At", "date")],
        "RoleBinding" or "ClusterRoleBinding" => [Col("Role", "string"), Age(), Col("Users", "string", 1), Col("Groups", "string", 1), Col("ServiceAccounts", "string", 1)],
        "NetworkPolicy" => [Col("Pod-Selector", "string"), Age()],
        "PodDisruptionBudget" => [Col("Min Available", "string"), Col("Max Unavailable", "string"), Col("Allowed Disruptions", "integer"), Age()],
        "CustomResourceDefinition" => [Col("Created At", "date")],
        "Endpoints" => [Col("Endpoints", "string"), Age()],
        _ => [Age()],
    };

    public static JsonNode? Cell(string kind, string column, JsonObject obj, DateTimeOffset now)
    {
        var spec = obj["spec"] as JsonObject;
        var status = obj["status"] as JsonObject;
        switch (column)
        {
            case "Age":
                return AgeOf(obj["metadata"]?["creationTimestamp"], now);
            case "Created At":
                return JsonValues.String(obj["metadata"]?["creationTimestamp"]) ?? "";
        }

        return (kind, column) switch
        {
            ("Pod", _) => PodCell(column, obj, now),
            ("Namespace", "Status") => JsonValues.String(status?["phase"]) ?? "",
            ("ConfigMap", "Data") => Count(obj["data"]) + Count(obj["binaryData"]),
            ("Secret", "Type") => JsonValues.String(obj["type"]) ?? "",
            ("Secret", "Data") => Count(obj["data"]),
            ("ServiceAccount", "Secrets") => (obj["secrets"] as JsonArray)?.Count ?? 0,
            ("Service", _) => ServiceCell(column, spec, status),
            ("PersistentVolumeClaim", _) => ClaimCell(column, spec, status),
            ("PersistentVolume", _) => VolumeCell(column, spec, status),
            ("StorageClass", "Provisioner") => JsonValues.String(obj["provisioner"]) ?? "",
            ("StorageClass", "ReclaimPolicy") => JsonValues.String(obj["reclaimPolicy"]) ?? "Delete",
            ("StorageClass", "VolumeBindingMode") => JsonValues.String(obj["volumeBindingMode"]) ?? "Immediate",
            ("StorageClass", "AllowVolumeExpansion") => (JsonValues.Bool(obj["allowVolumeExpansion"]) ?? false) ? "true" : "false",
            ("Node", "Status") => NodeStatus(obj),
            ("Node", "Roles") => NodeRoles(obj),
            ("Node", "Version") => JsonValues.String(status?["nodeInfo"]?["kubeletVersion"]) ?? "",
            ("Job", _) => JobCell(column, spec, status, now),
            ("Deployment", "Ready") => $"{Number(status?["readyReplicas"])}/{Number(spec?["replicas"])}",
            ("Deployment", "Up-to-date") => Number(status?["updatedReplicas"]),
            ("Deployment", "Available") => Number(status?["availableReplicas"]),
            ("ReplicaSet", "Desired") => Number(spec?["replicas"]),
            ("ReplicaSet", "Current") => Number(status?["replicas"]),
            ("ReplicaSet", "Ready") => Number(status?["readyReplicas"]),
            ("StatefulSet", "Ready") => $"{Number(status?["readyReplicas"])}/{Number(spec?["replicas"])}",
            (_, "Containers") => string.Join(",", Containers(spec).Select(c => JsonValues.String(c["name"]))),
            (_, "Images") => string.Join(",", Containers(spec).Select(c => JsonValues.String(c["image"]))),
            (_, "Selector") => SelectorText(spec?["selector"]),
            ("Lease", "Holder") => JsonValues.String(spec?["holderIdentity"]) ?? "",
            ("Event", _) => EventCell(column, obj, now),
            ("RoleBinding" or "ClusterRoleBinding", "Role") => $"{JsonValues.String(obj["roleRef"]?["kind"])}/{JsonValues.String(obj["roleRef"]?["name"])}",
            ("RoleBinding" or "ClusterRoleBinding", _) => Subjects(obj, column),
            ("NetworkPolicy", "Pod-Selector") => SelectorText(spec?["podSelector"]) is { Length: > 0 } s ? s : "<none>",
            ("PodDisruptionBudget", "Min Available") => spec?["minAvailable"] is { } min ? JsonValues.Display(min) : "N/A",
            ("PodDisruptionBudget", "Max Unavailable") => spec?["maxUnavailable"] is { } max ? JsonValues.Display(max) : "N/A",
            ("PodDisruptionBudget", "Allowed Disruptions") => Number(status?["disruptionsAllowed"]),
            ("Endpoints", "Endpoints") => EndpointsText(obj),
            _ => "",
        };
    }

    private static PrinterColumn Col(string name, string type, int priority = 0) => new(name, type, null, "", "", priority);

    private static PrinterColumn Age() => new("Age", "date", null, "", "CreationTimestamp is a timestamp representing the server time when this object was created.");

    private static string AgeOf(JsonNode? timestamp, DateTimeOffset now) =>
        Metadata.ParseTimestamp(timestamp) is { } time ? HumanDuration.Format(now - time) : "<unknown>";

    private static long Number(JsonNode? node) => JsonValues.Long(node) ?? 0;

    private static int Count(JsonNode? node) => (node as JsonObject)?.Count ?? 0;

    private static IEnumerable<JsonObject> Containers(JsonObject? spec) =>
        BuiltInDefaults.Objects(spec?["template"]?["spec"]?["containers"]);

    private static string SelectorText(JsonNode? selector)
    {
        if (selector is not JsonObject s)
        {
            return "";
        }

        var parts = new List<string>();
        if (s["matchLabels"] is JsonObject labels)
        {
            parts.AddRange(labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={JsonValues.Display(l.Value)}"));
        }

        foreach (var expression in BuiltInDefaults.Objects(s["matchExpressions"]))
        {
            var key = JsonValues.String(expression["key"]);
            var values = string.Join(",", (expression["values"] as JsonArray)?.Select(JsonValues.Display) ?? []);
            parts.Add(JsonValues.String(expression["operator"]) switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key ?? "",
                _ => $"!{key}",
            });
        }

        return string.Join(",", parts);
    }

    private static JsonNode? PodCell(string column, JsonObject pod, DateTimeOffset now)
    {
        var spec = pod["spec"] as JsonObject;
        var status = pod["status"] as JsonObject;
        var statuses = BuiltInDefaults.Objects(status?["containerStatuses"]).ToList();
        switch (column)
        {
            case "Ready":
                return $"{statuses.Count(s => JsonValues.Bool(s["ready"]) == true)}/{BuiltInDefaults.Objects(spec?["containers"]).Count()}";
            case "Status":
                return PodStatusText(pod, statuses);
            case "Restarts":
                var restarts = statuses.Sum(s => Number(s["restartCount"]));
                var lastRestart = statuses.Select(s => Metadata.ParseTimestamp(s["lastState"]?["terminated"]?["finishedAt"])).Where(t => t is not null).Max();
                return lastRestart is { } at && restarts > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{restarts} ({HumanDuration.Format(now - at)} ago)")
                    : restarts.ToString(CultureInfo.InvariantCulture);
            case "IP":
                return JsonValues.String(status?["podIP"]) ?? "<none>";
            case "Node":
                return JsonValues.String(spec?["nodeName"]) ?? "<none>";
            case "Nominated Node":
                return JsonValues.String(status?["nominatedNodeName"]) ?? "<none>";
            default:
                return spec?["readinessGates"] is JsonArray { Count: > 0 } gates ? $"0/{gates.Count}" : "<none>";
        }
    }

    private static string PodStatusText(JsonObject pod, List<JsonObject> statuses)
    {
        var status = pod["status"] as JsonObject;
        var reason = JsonValues.String(status?["reason"]) ?? JsonValues.String(status?["phase"]) ?? "";
        foreach (var init in BuiltInDefaults.Objects(status?["initContainerStatuses"]))
        {
            var terminated = init["state"]?["terminated"];
            if (terminated is not null && Number(terminated["exitCode"]) == 0)
            {
                continue;
            }

            if (terminated is not null)
            {
                reason = "Init:" + (JsonValues.String(terminated["reason"]) ?? "Error");
            }
            else if (JsonValues.String(init["state"]?["waiting"]?["reason"]) is { Length: > 0 } waiting && waiting != "PodInitializing")
            {
                reason = "Init:" + waiting;
            }
            else
            {
                reason = "Init:0/" + BuiltInDefaults.Objects(pod["spec"]?["initContainers"]).Count().ToString(CultureInfo.InvariantCulture);
            }

            return reason;
        }

        foreach (var container in Enumerable.Reverse(statuses))
        {
            if (JsonValues.String(container["state"]?["waiting"]?["reason"]) is { Length: > 0 } waiting)
            {
                reason = waiting;
            }
            else if (container["state"]?["terminated"] is { } terminated)
            {
                reason = JsonValues.String(terminated["reason"]) ??
                         (JsonValues.Long(terminated["signal"]) is { } signal and not 0
                             ? $"Signal:{signal}"
                             : $"ExitCode:{Number(terminated["exitCode"])}");
            }
        }

        if (Metadata.IsDeleting(pod))
        {
            reason = JsonValues.String(status?["reason"]) == "NodeLost" ? "Unknown" : "Terminating";
        }

        return reason;
    }

    private static JsonNode ServiceCell(string column, JsonObject? spec, JsonObject? status)
    {
        switch (column)
        {
            case "Type":
                return JsonValues.String(spec?["type"]) ?? "ClusterIP";
            case "Cluster-IP":
                return JsonValues.String(spec?["clusterIP"]) is { Length: > 0 } ip ? ip : "<none>";
            case "External-IP":
                var external = (spec?["externalIPs"] as JsonArray)?.Select(JsonValues.Display).ToList() ?? [];
                external.AddRange(BuiltInDefaults.Objects(status?["loadBalancer"]?["ingress"]).Select(i => JsonValues.String(i["ip"]) ?? JsonValues.String(i["hostname"]) ?? ""));
                return JsonValues.String(spec?["type"]) switch
                {
                    "ExternalName" => JsonValues.String(spec?["externalName"]) ?? "<none>",
                    "LoadBalancer" when external.Count == 0 => "<pending>",
                    _ => external.Count == 0 ? "<none>" : string.Join(",", external),
                };
            case "Port(s)":
                var ports = BuiltInDefaults.Objects(spec?["ports"]).Select(p =>
                    Number(p["nodePort"]) is var node and > 0
                        ? $"{Number(p["port"])}:{node}/{JsonValues.String(p["protocol"])}"
                        : $"{Number(p["port"])}/{JsonValues.String(p["protocol"])}").ToList();
                return ports.Count == 0 ? "<none>" : string.Join(",", ports);
            default:
                return spec?["selector"] is JsonObject { Count: > 0 } selector
                    ? string.Join(",", selector.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={JsonValues.Display(s.Value)}"))
                    : "<none>";
        }
    }

    private static JsonNode ClaimCell(string column, JsonObject? spec, JsonObject? status) => column switch
    {
        "Status" => JsonValues.String(status?["phase"]) ?? "",
        "Volume" => JsonValues.String(spec?["volumeName"]) ?? "",
        "Capacity" => status?["capacity"]?["storage"] is { } storage ? JsonValues.Display(storage) : "",
        "Access Modes" => AccessModes(status?["accessModes"] ?? spec?["accessModes"]),
        "StorageClass" => JsonValues.String(spec?["storageClassName"]) ?? "<unset>",
        "VolumeAttributesClass" => JsonValues.String(spec?["volumeAttributesClassName"]) ?? "<unset>",
        _ => JsonValues.String(spec?["volumeMode"]) ?? "Filesystem",
    };

    private static JsonNode VolumeCell(string column, JsonObject? spec, JsonObject? status) => column switch
    {
        "Capacity" => spec?["capacity"]?["storage"] is { } storage ? JsonValues.Display(storage) : "",
        "Access Modes" => AccessModes(spec?["accessModes"]),
        "Reclaim Policy" => JsonValues.String(spec?["persistentVolumeReclaimPolicy"]) ?? "",
        "Status" => JsonValues.String(status?["phase"]) ?? "",
        "Claim" => spec?["claimRef"] is JsonObject claim ? $"{JsonValues.String(claim["namespace"])}/{JsonValues.String(claim["name"])}" : "",
        "StorageClass" => JsonValues.String(spec?["storageClassName"]) ?? "",
        "VolumeAttributesClass" => JsonValues.String(spec?["volumeAttributesClassName"]) ?? "<unset>",
        "Reason" => JsonValues.String(status?["reason"]) ?? "",
        _ => JsonValues.String(spec?["volumeMode"]) ?? "Filesystem",
    };

    private static string AccessModes(JsonNode? modes) =>
        string.Join(",", (modes as JsonArray)?.Select(m => JsonValues.String(m) switch
        {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            var other => other ?? "",
        }) ?? []);

    private static string NodeStatus(JsonObject node)
    {
        var ready = BuiltInDefaults.Objects(node["status"]?["conditions"]).FirstOrDefault(c => JsonValues.String(c["type"]) == "Ready");
        var text = JsonValues.String(ready?["status"]) switch
        {
            "True" => "Ready",
            null => "Unknown",
            _ => "NotReady",
        };
        return JsonValues.Bool(node["spec"]?["unschedulable"]) == true ? text + ",SchedulingDisabled" : text;
    }

    private static string NodeRoles(JsonObject node)
    {
        var roles = Metadata.Labels(node)?.Select(l => l.Key)
            .Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            .Select(k => k["node-role.kubernetes.io/".Length..]).Where(r => r.Length > 0).ToList() ?? [];
        return roles.Count == 0 ? "<none>" : string.Join(",", roles.Order(StringComparer.Ordinal));
    }

    private static JsonNode JobCell(string column, JsonObject? spec, JsonObject? status, DateTimeOffset now)
    {
        switch (column)
        {
            case "Status":
                var conditions = BuiltInDefaults.Objects(status?["conditions"]).Where(c => JsonValues.String(c["status"]) == "True")
                    .Select(c => JsonValues.String(c["type"])).ToList();
                if (conditions.Contains("Complete"))
                {
                    return "Complete";
                }

                if (conditions.Contains("Failed"))
                {
                    return "Failed";
                }

                if (conditions.Contains("FailureTarget"))
                {
                    return "FailureTarget";
                }

                if (conditions.Contains("SuccessCriteriaMet"))
                {
                    return "SuccessCriteriaMet";
                }

                if (conditions.Contains("Suspended"))
                {
                    return "Suspended";
                }

                return "Running";
            case "Completions":
                var completions = JsonValues.Long(spec?["completions"]);
                var succeeded = Number(status?["succeeded"]);
                return completions is { } c
                    ? $"{succeeded}/{c}"
                    : $"{succeeded}/1 of {Number(spec?["parallelism"])}";
            default:
                var start = Metadata.ParseTimestamp(status?["startTime"]);
                var end = Metadata.ParseTimestamp(status?["completionTime"]);
                return start is null ? "" : HumanDuration.Format((end ?? now) - start.Value);
        }
    }

    private static string EventCell(string column, JsonObject e, DateTimeOffset now)
    {
        switch (column)
        {
            case "Last Seen":
                var last = Metadata.ParseTimestamp(e["lastTimestamp"]) ?? Metadata.ParseTimestamp(e["eventTime"]) ??
                           Metadata.ParseTimestamp(e["metadata"]?["creationTimestamp"]);
                return last is { } t ? HumanDuration.Format(now - t) : "<unknown>";
            case "Type":
                return JsonValues.String(e["type"]) ?? "";
            case "Reason":
                return JsonValues.String(e["reason"]) ?? "";
            case "Object":
                var involved = e["involvedObject"];
                return $"{JsonValues.String(involved?["kind"])?.ToLowerInvariant()}/{JsonValues.String(involved?["name"])}";
            default:
                return JsonValues.String(e["message"]) ?? "";
        }
    }

    private static string Subjects(JsonObject binding, string column)
    {
        var kind = column switch
        {
            "Users" => "User",
            "Groups" => "Group",
            _ => "ServiceAccount",
        };
        return string.Join(", ", BuiltInDefaults.Objects(binding["subjects"]).Where(s => JsonValues.String(s["kind"]) == kind)
            .Select(s => kind == "ServiceAccount" ? $"{JsonValues.String(s["namespace"])}/{JsonValues.String(s["name"])}" : JsonValues.String(s["name"])));
    }

    private static string EndpointsText(JsonObject endpoints)
    {
        var list = new List<string>();
        foreach (var subset in BuiltInDefaults.Objects(endpoints["subsets"]))
        {
            foreach (var address in BuiltInDefaults.Objects(subset["addresses"]))
            {
                foreach (var port in BuiltInDefaults.Objects(subset["ports"]))
                {
                    list.Add($"{JsonValues.String(address["ip"])}:{Number(port["port"])}");
                }
            }
        }

        return list.Count == 0 ? "<none>" : string.Join(",", list);
    }
}
