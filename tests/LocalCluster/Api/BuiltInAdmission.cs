using System.Net;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Api;

/// <summary>
/// The admission plugins a default cluster runs on writes of the built-in kinds: NamespaceLifecycle
/// (no content in missing or terminating namespaces), ServiceAccount (a pod's account and its
/// projected token volume), DefaultTolerationSeconds, Priority, DefaultStorageClass; plus what the
/// registries do at create: a Job's generated selector, a Service's clusterIP, a CRD's cleanup finalizer.
/// </summary>
public sealed class BuiltInAdmission
{
    /// <summary>Where the kubelet mounts a pod's service-account token, CA and namespace.</summary>
    public const string ServiceAccountMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The Service CIDR's first address, taken by the <c>kubernetes</c> Service.</summary>
    public const string KubernetesServiceIp = "10.96.0.1";

    private readonly ObjectStore _store;

    public BuiltInAdmission(ObjectStore store) => _store = store;

    public void AdmitCreate(ResourceType type, JsonObject obj)
    {
        if (type.Namespaced)
        {
            NamespaceLifecycle(type, obj);
        }

        if (type.Custom is not null)
        {
            return;
        }

        switch (type.Group, type.Kind)
        {
            case ("", "Pod"):
                ServiceAccount(obj);
                Tolerations(obj);
                Priority(obj);
                break;
            case ("", "Service"):
                AllocateClusterIp(obj);
                break;
            case ("", "PersistentVolumeClaim"):
                DefaultStorageClass(obj);
                break;
            case ("batch", "Job"):
                JobSelector(obj);
                break;
            case ("apiextensions.k8s.io", "CustomResourceDefinition"):
                var finalizers = Metadata.Finalizers(obj).ToList();
                if (!finalizers.Contains(CustomResourceDefinitions.CleanupFinalizer))
                {
                    finalizers.Add(CustomResourceDefinitions.CleanupFinalizer);
                    Metadata.SetFinalizers(obj, finalizers);
                }

                break;
            case ("", "Namespace"):
                BuiltInDefaults.Ensure(obj, "spec")["finalizers"] = new JsonArray("kubernetes");
                break;
        }
    }

    public void AdmitUpdate(ResourceType type, JsonObject next, JsonObject current)
    {
        if (type.Custom is not null)
        {
            return;
        }

        switch (type.Group, type.Kind)
        {
            case ("", "Service"):
                // clusterIP and clusterIPs are kept when an update leaves them out (as kubectl apply does).
                var spec = BuiltInDefaults.Ensure(next, "spec");
                foreach (var field in new[] { "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy" })
                {
                    if (spec[field] is null && current["spec"]?[field] is { } kept)
                    {
                        spec[field] = kept.DeepClone();
                    }
                }

                break;
            case ("batch", "Job"):
                var jobSpec = BuiltInDefaults.Ensure(next, "spec");
                if (jobSpec["selector"] is null && current["spec"]?["selector"] is { } selector)
                {
                    jobSpec["selector"] = selector.DeepClone();
                    var labels = BuiltInDefaults.Ensure(BuiltInDefaults.Ensure(BuiltInDefaults.Ensure(jobSpec, "template"), "metadata"), "labels");
                    if (current["spec"]?["template"]?["metadata"]?["labels"] is JsonObject oldLabels)
                    {
                        foreach (var (key, value) in oldLabels)
                        {
                            if (!labels.ContainsKey(key))
                            {
                                labels[key] = value?.DeepClone();
                            }
                        }
                    }
                }

                break;
            case ("", "Pod"):
                var podSpec = BuiltInDefaults.Ensure(next, "spec");
                foreach (var field in new[] { "serviceAccountName", "serviceAccount", "priority", "preemptionPolicy", "tolerations", "volumes", "nodeName" })
                {
                    if (podSpec[field] is null && current["spec"]?[field] is { } kept)
                    {
                        podSpec[field] = kept.DeepClone();
                    }
                }

                break;
            case ("", "Namespace"):
                var nsSpec = BuiltInDefaults.Ensure(next, "spec");
                if (nsSpec["finalizers"] is null && current["spec"]?["finalizers"] is { } nsFinalizers)
                {
                    nsSpec["finalizers"] = nsFinalizers.DeepClone();
                }

                break;
        }
    }

    private void NamespaceLifecycle(ResourceType type, JsonObject obj)
    {
        var ns = Metadata.Namespace(obj) ?? "";
        var found = _store.Get("namespaces", null, ns);
        if (found is null)
        {
            throw ApiErrors.NotFound("namespaces", "", "namespaces", ns);
        }

        if (Metadata.IsDeleting(found))
        {
            var details = new JsonObject
            {
                ["name"] = Metadata.Name(obj),
                ["kind"] = type.Plural,
                ["causes"] = new JsonArray(new JsonObject
                {
                    ["reason"] = "NamespaceTerminating",
                    ["message"] = $"namespace {ns} is being terminated",
                    ["field"] = "metadata.namespace",
                }),
            };
            if (type.Group.Length > 0)
            {
                details["group"] = type.Group;
            }

            throw new ApiException(403, "Forbidden",
                $"{type.GroupResource} \"{Metadata.Name(obj)}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                details);
        }
    }

    private void ServiceAccount(JsonObject pod)
    {
        var spec = BuiltInDefaults.Ensure(pod, "spec");
        var account = JsonValues.String(spec["serviceAccountName"]);
        if (string.IsNullOrEmpty(account))
        {
            account = JsonValues.String(spec["serviceAccount"]);
        }

        if (string.IsNullOrEmpty(account))
        {
            account = "default";
        }

        spec["serviceAccountName"] = account;
        spec["serviceAccount"] = account;
        var ns = Metadata.Namespace(pod) ?? "";
        var serviceAccount = _store.Get("serviceaccounts", ns, account);
        if (serviceAccount is null)
        {
            throw ApiErrors.Forbidden(BuiltInResources.All.First(t => t.Kind == "Pod"), Metadata.Name(pod),
                $"error looking up service account {ns}/{account}: serviceaccount \"{account}\" not found");
        }

        var automount = JsonValues.Bool(spec["automountServiceAccountToken"]) ?? JsonValues.Bool(serviceAccount["automountServiceAccountToken"]) ?? true;
        if (!automount)
        {
            return;
        }

        var containers = BuiltInDefaults.Objects(spec["containers"]).Concat(BuiltInDefaults.Objects(spec["initContainers"])).ToList();
        if (containers.Any(c => BuiltInDefaults.Objects(c["volumeMounts"]).Any(m => JsonValues.String(m["mountPath"]) == ServiceAccountMountPath)))
        {
            return;
        }

        var volumeName = "kube-api-access-" + NameGenerator.RandomSuffix();
        var volumes = spec["volumes"] as JsonArray ?? [];
        spec["volumes"] = volumes;
        volumes.Add(new JsonObject
        {
            ["name"] = volumeName,
            ["projected"] = new JsonObject
            {
                ["sources"] = new JsonArray(
                    new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = 3607, ["path"] = "token" } },
                    new JsonObject
                    {
                        ["configMap"] = new JsonObject
                        {
                            ["name"] = "kube-root-ca.crt",
                            ["items"] = new JsonArray(new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" }),
                        },
                    },
                    new JsonObject
                    {
                        ["downwardAPI"] = new JsonObject
                        {
                            ["items"] = new JsonArray(new JsonObject
                            {
                                ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.namespace" },
                                ["path"] = "namespace",
                            }),
                        },
                    }),
                ["defaultMode"] = 420,
            },
        });
        foreach (var container in containers)
        {
            var mounts = container["volumeMounts"] as JsonArray ?? [];
            container["volumeMounts"] = mounts;
            mounts.Add(new JsonObject { ["name"] = volumeName, ["readOnly"] = true, ["mountPath"] = ServiceAccountMountPath });
        }
    }

    private static void Tolerations(JsonObject pod)
    {
        var spec = BuiltInDefaults.Ensure(pod, "spec");
        var tolerations = spec["tolerations"] as JsonArray ?? [];
        foreach (var taint in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
        {
            var tolerated = tolerations.OfType<JsonObject>().Any(t =>
                (JsonValues.String(t["key"]) == taint || (string.IsNullOrEmpty(JsonValues.String(t["key"])) && JsonValues.String(t["operator"]) == "Exists")) &&
                JsonValues.String(t["effect"]) is null or "" or "NoExecute");
            if (!tolerated)
            {
                tolerations.Add(new JsonObject { ["key"] = taint, ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 });
            }
        }

        spec["tolerations"] = tolerations;
    }

    private static void Priority(JsonObject pod)
    {
        var spec = BuiltInDefaults.Ensure(pod, "spec");
        if (spec["priority"] is null)
        {
            spec["priority"] = JsonValues.String(spec["priorityClassName"]) switch
            {
                "system-node-critical" => 2000001000,
                "system-cluster-critical" => 2000000000,
                _ => 0,
            };
        }

        if (spec["preemptionPolicy"] is null)
        {
            spec["preemptionPolicy"] = "PreemptLowerPriority";
        }
    }

    private void DefaultStorageClass(JsonObject claim)
    {
        var spec = BuiltInDefaults.Ensure(claim, "spec");
        if (spec.ContainsKey("storageClassName"))
        {
            return;
        }

        var classes = _store.List("storageclasses.storage.k8s.io", null, c =>
            JsonValues.String(Metadata.Annotations(c)?["storageclass.kubernetes.io/is-default-class"]) == "true").Items;
        if (classes.Count > 0)
        {
            spec["storageClassName"] = Metadata.Name(classes.OrderByDescending(c => JsonValues.String(c["metadata"]?["creationTimestamp"]), StringComparer.Ordinal).First());
        }
    }

    private void AllocateClusterIp(JsonObject service)
    {
        var spec = BuiltInDefaults.Ensure(service, "spec");
        if (JsonValues.String(spec["type"]) == "ExternalName")
        {
            return;
        }

        var requested = JsonValues.String(spec["clusterIP"]);
        if (requested == "None")
        {
            spec["clusterIPs"] = new JsonArray("None");
        }
        else
        {
            var used = _store.List("services", null).Items
                .Select(s => JsonValues.String(s["spec"]?["clusterIP"])).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (!string.IsNullOrEmpty(requested))
            {
                if (used.Contains(requested))
                {
                    throw new ApiException(422, "Invalid",
                        $"Service \"{Metadata.Name(service)}\" is invalid: spec.clusterIPs: Invalid value: []string{{\"{requested}\"}}: failed to allocate IP {requested}: provided IP is already allocated",
                        new JsonObject
                        {
                            ["name"] = Metadata.Name(service),
                            ["kind"] = "Service",
                            ["causes"] = new JsonArray(new JsonObject
                            {
                                ["reason"] = "FieldValueInvalid",
                                ["message"] = $"Invalid value: []string{{\"{requested}\"}}: failed to allocate IP {requested}: provided IP is already allocated",
                                ["field"] = "spec.clusterIPs",
                            }),
                        });
                }
            }
            else
            {
                // From 10.96.0.0/12 as kubeadm's default service CIDR; .1 is the kubernetes Service's.
                do
                {
                    var offset = Random.Shared.Next(2, (1 << 20) - 1);
                    requested = new IPAddress([10, (byte)(96 + (offset >> 16)), (byte)((offset >> 8) & 0xff), (byte)(offset & 0xff)]).ToString();
                }
                while (used.Contains(requested));
            }

            spec["clusterIP"] = requested;
            spec["clusterIPs"] = new JsonArray(requested);
        }

        spec["ipFamilies"] = new JsonArray("IPv4");
        spec["ipFamilyPolicy"] = "SingleStack";
    }

    private static void JobSelector(JsonObject job)
    {
        var spec = BuiltInDefaults.Ensure(job, "spec");
        if (JsonValues.Bool(spec["manualSelector"]) == true)
        {
            return;
        }

        var uid = Metadata.Uid(job) ?? "";
        var name = Metadata.Name(job);
        spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
        var labels = BuiltInDefaults.Ensure(BuiltInDefaults.Ensure(BuiltInDefaults.Ensure(spec, "template"), "metadata"), "labels");
        labels["batch.kubernetes.io/controller-uid"] = uid;
        labels["batch.kubernetes.io/job-name"] = name;
        labels["controller-uid"] = uid;
        labels["job-name"] = name;
    }
}
