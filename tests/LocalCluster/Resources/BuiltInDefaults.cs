using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Resources;

/// <summary>
/// The defaults the real server fills into the built-in kinds on every write (the SetDefaults_*
/// functions of k8s.io/kubernetes/pkg/apis/*/v1), so an operator comparing what it wants with what
/// is stored sees what it would see on a cluster. Admission plugins' additions (service account,
/// tolerations, priority) are in <see cref="Api.BuiltInAdmission"/>.
/// </summary>
public static class BuiltInDefaults
{
    public static void Apply(ResourceType type, JsonObject obj)
    {
        if (type.Custom is not null)
        {
            return;
        }

        var spec = obj["spec"] as JsonObject;
        switch (type.Kind)
        {
            case "Pod":
                PodSpec(Ensure(obj, "spec"));
                break;
            case "Job":
                Job(Ensure(obj, "spec"));
                break;
            case "Deployment":
                Deployment(Ensure(obj, "spec"));
                break;
            case "ReplicaSet":
                Fill(Ensure(obj, "spec"), "replicas", 1);
                PodTemplate(spec?["template"]);
                break;
            case "StatefulSet":
                StatefulSet(Ensure(obj, "spec"));
                break;
            case "Service":
                Service(Ensure(obj, "spec"));
                break;
            case "Secret":
                Fill(obj, "type", "Opaque");
                MergeStringData(obj);
                break;
            case "PersistentVolumeClaim":
                Fill(Ensure(obj, "spec"), "volumeMode", "Filesystem");
                break;
            case "PersistentVolume":
                Fill(Ensure(obj, "spec"), "persistentVolumeReclaimPolicy", "Retain");
                Fill(Ensure(obj, "spec"), "volumeMode", "Filesystem");
                break;
            case "StorageClass":
                Fill(obj, "reclaimPolicy", "Delete");
                Fill(obj, "volumeBindingMode", "Immediate");
                break;
            case "NetworkPolicy":
                NetworkPolicy(Ensure(obj, "spec"));
                break;
            case "Namespace":
                Fill(Ensure(Metadata.Of(obj), "labels"), "kubernetes.io/metadata.name", Metadata.Name(obj));
                break;
            case "Endpoints":
                foreach (var subset in Objects(obj["subsets"]))
                {
                    foreach (var port in Objects(subset["ports"]))
                    {
                        Fill(port, "protocol", "TCP");
                    }
                }

                break;
            case "CustomResourceDefinition":
                Fill(Ensure(obj, "spec"), "conversion", new JsonObject { ["strategy"] = "None" });
                break;
        }
    }

    /// <summary>Defaults of a pod template's spec (Job, Deployment, ReplicaSet, StatefulSet).</summary>
    public static void PodTemplate(JsonNode? template)
    {
        if (template is JsonObject t)
        {
            PodSpec(Ensure(t, "spec"));
        }
    }

    private static void PodSpec(JsonObject spec)
    {
        Fill(spec, "restartPolicy", "Always");
        Fill(spec, "terminationGracePeriodSeconds", 30);
        Fill(spec, "dnsPolicy", "ClusterFirst");
        Fill(spec, "securityContext", new JsonObject());
        Fill(spec, "schedulerName", "default-scheduler");
        Fill(spec, "enableServiceLinks", true);
        if (JsonValues.Bool(spec["hostNetwork"]) == true)
        {
            // Host-network pods get their container ports' hostPort set to containerPort.
            foreach (var container in Objects(spec["containers"]).Concat(Objects(spec["initContainers"])))
            {
                foreach (var port in Objects(container["ports"]))
                {
                    Fill(port, "hostPort", port["containerPort"]?.DeepClone());
                }
            }
        }

        foreach (var container in Objects(spec["containers"]).Concat(Objects(spec["initContainers"])).Concat(Objects(spec["ephemeralContainers"])))
        {
            Container(container);
        }

        foreach (var volume in Objects(spec["volumes"]))
        {
            Volume(volume);
        }
    }

    private static void Container(JsonObject container)
    {
        Fill(container, "terminationMessagePath", "/dev/termination-log");
        Fill(container, "terminationMessagePolicy", "File");
        Fill(container, "imagePullPolicy", ImagePullPolicy(JsonValues.String(container["image"]) ?? ""));
        Fill(container, "resources", new JsonObject());
        foreach (var port in Objects(container["ports"]))
        {
            Fill(port, "protocol", "TCP");
        }

        foreach (var env in Objects(container["env"]))
        {
            if (env["valueFrom"]?["fieldRef"] is JsonObject fieldRef)
            {
                Fill(fieldRef, "apiVersion", "v1");
            }
        }

        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (container[probe] is JsonObject p)
            {
                Fill(p, "timeoutSeconds", 1);
                Fill(p, "periodSeconds", 10);
                Fill(p, "successThreshold", 1);
                Fill(p, "failureThreshold", 3);
                if (p["httpGet"] is JsonObject httpGet)
                {
                    Fill(httpGet, "path", "/");
                    Fill(httpGet, "scheme", "HTTP");
                }
            }
        }
    }

    /// <summary>Always for <c>:latest</c> or an untagged image, IfNotPresent otherwise (SetDefaults_Container).</summary>
    private static string ImagePullPolicy(string image)
    {
        if (image.Contains('@', StringComparison.Ordinal))
        {
            return "IfNotPresent";
        }

        var lastSlash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        var tag = colon > lastSlash ? image[(colon + 1)..] : "";
        return tag.Length == 0 || tag == "latest" ? "Always" : "IfNotPresent";
    }

    private static void Volume(JsonObject volume)
    {
        foreach (var source in new[] { "secret", "configMap", "projected", "downwardAPI" })
        {
            if (volume[source] is JsonObject s)
            {
                Fill(s, "defaultMode", 420);
            }
        }

        if (volume["hostPath"] is JsonObject hostPath)
        {
            Fill(hostPath, "type", "");
        }

        if (volume["emptyDir"] is null && volume.Count == 1)
        {
            // A volume with only a name is an emptyDir (SetDefaults_Volume).
            volume["emptyDir"] = new JsonObject();
        }
    }

    /// <summary>A Secret's write-only <c>stringData</c> is merged into <c>data</c> (base64 of its UTF-8, over keys
    /// already there) and never stored, as the API server's conversion does.</summary>
    private static void MergeStringData(JsonObject secret)
    {
        if (secret["stringData"] is not JsonObject stringData)
        {
            secret.Remove("stringData");
            return;
        }

        var data = Ensure(secret, "data");
        foreach (var (key, value) in stringData)
        {
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(JsonValues.String(value) ?? ""));
        }

        secret.Remove("stringData");
    }

    private static void Job(JsonObject spec)
    {
        if (spec["completions"] is null && spec["parallelism"] is null)
        {
            spec["completions"] = 1;
            spec["parallelism"] = 1;
        }

        Fill(spec, "parallelism", 1);
        Fill(spec, "backoffLimit", JsonValues.Long(spec["backoffLimitPerIndex"]) is null ? 6 : int.MaxValue);
        Fill(spec, "completionMode", "NonIndexed");
        Fill(spec, "suspend", false);
        Fill(spec, "podReplacementPolicy", spec["podFailurePolicy"] is null ? "TerminatingOrFailed" : "Failed");
        PodTemplate(spec["template"]);
    }

    private static void Deployment(JsonObject spec)
    {
        Fill(spec, "replicas", 1);
        var strategy = Ensure(spec, "strategy");
        Fill(strategy, "type", "RollingUpdate");
        if (JsonValues.String(strategy["type"]) == "RollingUpdate")
        {
            var rolling = Ensure(strategy, "rollingUpdate");
            Fill(rolling, "maxUnavailable", "25%");
            Fill(rolling, "maxSurge", "25%");
        }

        Fill(spec, "revisionHistoryLimit", 10);
        Fill(spec, "progressDeadlineSeconds", 600);
        PodTemplate(spec["template"]);
    }

    private static void StatefulSet(JsonObject spec)
    {
        Fill(spec, "replicas", 1);
        Fill(spec, "podManagementPolicy", "OrderedReady");
        var strategy = Ensure(spec, "updateStrategy");
        Fill(strategy, "type", "RollingUpdate");
        if (JsonValues.String(strategy["type"]) == "RollingUpdate")
        {
            Fill(Ensure(strategy, "rollingUpdate"), "partition", 0);
        }

        Fill(spec, "revisionHistoryLimit", 10);
        var retention = Ensure(spec, "persistentVolumeClaimRetentionPolicy");
        Fill(retention, "whenDeleted", "Retain");
        Fill(retention, "whenScaled", "Retain");
        foreach (var claim in Objects(spec["volumeClaimTemplates"]))
        {
            Fill(Ensure(claim, "spec"), "volumeMode", "Filesystem");
            Fill(claim, "status", new JsonObject { ["phase"] = "Pending" });
            Fill(claim, "apiVersion", "v1");
            Fill(claim, "kind", "PersistentVolumeClaim");
        }

        PodTemplate(spec["template"]);
    }

    private static void Service(JsonObject spec)
    {
        Fill(spec, "type", "ClusterIP");
        Fill(spec, "sessionAffinity", "None");
        var type = JsonValues.String(spec["type"]);
        if (type is "ClusterIP" or "NodePort" or "LoadBalancer")
        {
            Fill(spec, "internalTrafficPolicy", "Cluster");
        }

        if (type is "NodePort" or "LoadBalancer")
        {
            Fill(spec, "externalTrafficPolicy", "Cluster");
        }

        foreach (var port in Objects(spec["ports"]))
        {
            Fill(port, "protocol", "TCP");
            Fill(port, "targetPort", port["port"]?.DeepClone());
        }
    }

    private static void NetworkPolicy(JsonObject spec)
    {
        if (spec["policyTypes"] is null)
        {
            var types = new JsonArray("Ingress");
            if (spec["egress"] is JsonArray { Count: > 0 })
            {
                types.Add("Egress");
            }

            spec["policyTypes"] = types;
        }

        foreach (var rule in Objects(spec["ingress"]).Concat(Objects(spec["egress"])))
        {
            foreach (var port in Objects(rule["ports"]))
            {
                Fill(port, "protocol", "TCP");
            }
        }
    }

    internal static IEnumerable<JsonObject> Objects(JsonNode? array) =>
        array is JsonArray items ? items.OfType<JsonObject>() : [];

    internal static JsonObject Ensure(JsonObject parent, string field)
    {
        if (parent[field] is not JsonObject child)
        {
            child = new JsonObject();
            parent[field] = child;
        }

        return child;
    }

    private static void Fill(JsonObject obj, string field, JsonNode? value)
    {
        if (!obj.ContainsKey(field) || obj[field] is null)
        {
            obj[field] = value;
        }
    }
}
