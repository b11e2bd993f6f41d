using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Hosting;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Scheduling;

namespace ZkSync.LocalCluster.Controllers.Volumes;

/// <summary>
/// Binds claims to volumes as the PersistentVolume controller does (pkg/controller/volume/persistentvolume): a claim
/// naming a volume gets that one; otherwise the smallest available volume of the claim's class whose access modes,
/// volume mode, capacity, labels (the claim's selector) and node affinity fit; otherwise, for a claim of a class of
/// the local provisioner, a new volume: a directory under the cluster's data directory, pinned to the selected node
/// when the class waits for the first consumer. The scheduler calls it too, to bind such claims for the node it
/// chose, before it binds the pod.
/// </summary>
public sealed partial class VolumeBinder
{
    private static readonly EventSource Controller = new(StorageConstants.ControllerComponent);
    private static readonly EventSource ProvisionerSource = new(StorageConstants.Provisioner);
    private readonly ResourceService _resources;
    private readonly ClusterTypes _types;
    private readonly EventRecorder _events;
    private readonly ClusterPaths _paths;
    private readonly ILogger<VolumeBinder> _logger;
    private readonly Lock _gate = new();

    public VolumeBinder(ResourceService resources, ClusterTypes types, EventRecorder events, ClusterPaths paths, ILogger<VolumeBinder> logger)
    {
        _resources = resources;
        _types = types;
        _events = events;
        _paths = paths;
        _logger = logger;
    }

    public static string ClassOf(JsonObject claim) =>
        JsonValues.String(claim["spec"]?["storageClassName"])
        ?? JsonValues.String(Metadata.Annotations(claim)?["volume.beta.kubernetes.io/storage-class"])
        ?? "";

    public static bool IsBound(JsonObject claim) =>
        JsonValues.String(claim["spec"]?["volumeName"]) is { Length: > 0 } && JsonValues.String(claim["status"]?["phase"]) == "Bound";

    public static IReadOnlyList<string> AccessModes(JsonObject obj) =>
        (obj["spec"]?["accessModes"] as JsonArray)?.Select(JsonValues.String).OfType<string>().ToList() ?? [];

    /// <summary>Whether a volume allows only one node (ReadWriteOnce) or one pod (ReadWriteOncePod) at a time.</summary>
    public static bool IsSingleNode(JsonObject volume)
    {
        var modes = AccessModes(volume);
        return !modes.Contains("ReadWriteMany") && !modes.Contains("ReadOnlyMany") && modes.Count > 0;
    }

    /// <summary>The claim's class, or null when it names none or one that does not exist.</summary>
    public JsonObject? StorageClassOf(JsonObject claim) =>
        ClassOf(claim) is { Length: > 0 } name ? _resources.Store.Get(_types.StorageClasses.StorageKey, null, name) : null;

    /// <summary>Whether the claim's class binds at the first consumer's scheduling rather than at once.</summary>
    public bool WaitsForFirstConsumer(JsonObject claim) =>
        JsonValues.String(StorageClassOf(claim)?["volumeBindingMode"]) == "WaitForFirstConsumer";

    /// <summary>Whether the local provisioner makes volumes for the claim's class.</summary>
    public bool CanProvision(JsonObject claim) =>
        JsonValues.String(StorageClassOf(claim)?["provisioner"]) == StorageConstants.Provisioner;

    /// <summary>The best volume for the claim among <paramref name="volumes"/> (on <paramref name="node"/> when given), or null.</summary>
    public static JsonObject? FindMatchingVolume(JsonObject claim, IEnumerable<JsonObject> volumes, JsonObject? node)
    {
        var uid = Metadata.Uid(claim);
        var request = Quantities.Parse(claim["spec"]?["resources"]?["requests"]?["storage"]) ?? 0;
        var modes = AccessModes(claim);
        var mode = JsonValues.String(claim["spec"]?["volumeMode"]) ?? "Filesystem";
        var selector = LabelSelector.FromObject(claim["spec"]?["selector"] as JsonObject);
        JsonObject? best = null;
        decimal bestSize = 0;
        foreach (var volume in volumes)
        {
            if (Metadata.IsDeleting(volume))
            {
                continue;
            }

            var claimRef = volume["spec"]?["claimRef"] as JsonObject;
            var preBound = claimRef is not null && JsonValues.String(claimRef["name"]) == Metadata.Name(claim) &&
                           JsonValues.String(claimRef["namespace"]) == Metadata.Namespace(claim) &&
                           (JsonValues.String(claimRef["uid"]) is not { Length: > 0 } refUid || refUid == uid);
            if (claimRef is not null && !preBound)
            {
                continue;
            }

            if (!preBound && JsonValues.String(volume["status"]?["phase"]) is "Released" or "Failed")
            {
                continue;
            }

            var size = Quantities.Parse(volume["spec"]?["capacity"]?["storage"]) ?? 0;
            if ((JsonValues.String(volume["spec"]?["storageClassName"]) ?? "") != ClassOf(claim) ||
                (JsonValues.String(volume["spec"]?["volumeMode"]) ?? "Filesystem") != mode ||
                modes.Except(AccessModes(volume)).Any() ||
                size < request ||
                !selector.Matches(Metadata.Labels(volume)) ||
                (node is not null && !NodeSelectorTerms.Match(volume["spec"]?["nodeAffinity"]?["required"]?["nodeSelectorTerms"], node)))
            {
                continue;
            }

            if (preBound)
            {
                return volume;
            }

            if (best is null || size < bestSize)
            {
                best = volume;
                bestSize = size;
            }
        }

        return best;
    }

    /// <summary>
    /// Binds an unbound claim: to the volume it names, to a matching one, or to a new one of the local provisioner
    /// (on <paramref name="node"/> when given). Returns the bound volume, or null (and an event saying why) when none
    /// can be had.
    /// </summary>
    public JsonObject? BindOrProvision(JsonObject claim, JsonObject? node)
    {
        lock (_gate)
        {
            var current = _resources.Store.Get(_types.PersistentVolumeClaims.StorageKey, Metadata.Namespace(claim), Metadata.Name(claim));
            if (current is null || Metadata.IsDeleting(current))
            {
                return null;
            }

            if (IsBound(current))
            {
                return _resources.Store.Get(_types.PersistentVolumes.StorageKey, null, JsonValues.String(current["spec"]?["volumeName"])!);
            }

            var volumes = _resources.Store.List(_types.PersistentVolumes.StorageKey, null).Items;
            if (JsonValues.String(current["spec"]?["volumeName"]) is { Length: > 0 } named)
            {
                var requested = volumes.FirstOrDefault(v => Metadata.Name(v) == named);
                if (requested is null || FindMatchingVolume(current, [requested], node) is null)
                {
                    _events.Record(current, Controller, EventRecorder.Warning, "FailedBinding",
                        requested is null
                            ? $"volume \"{named}\" not found"
                            : $"Cannot bind to requested volume \"{named}\": it does not match the claim (class, access modes, size or node)");
                    return null;
                }

                return Bind(current, requested);
            }

            if (FindMatchingVolume(current, volumes, node) is { } found)
            {
                return Bind(current, found);
            }

            return Provision(current, node);
        }
    }

    /// <summary>Releases a volume whose claim is gone: Released, then deleted (with its directory, when the local
    /// provisioner made it) under the Delete reclaim policy.</summary>
    public void Reclaim(JsonObject volume)
    {
        var name = Metadata.Name(volume);
        if (JsonValues.String(volume["status"]?["phase"]) != "Released")
        {
            _resources.Mutate(_types.PersistentVolumes, null, name, v =>
            {
                BuiltInDefaults.Ensure(v, "status")["phase"] = "Released";
                return true;
            }, "status");
        }

        if (JsonValues.String(volume["spec"]?["persistentVolumeReclaimPolicy"]) != "Delete" || Metadata.IsDeleting(volume))
        {
            return;
        }

        if (JsonValues.String(Metadata.Annotations(volume)?[StorageConstants.ProvisionedByAnnotation]) == StorageConstants.Provisioner &&
            JsonValues.String(volume["spec"]?["hostPath"]?["path"]) is { } path && IsUnder(path, _paths.VolumesDirectory))
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
            catch (IOException e)
            {
                LogDeleteFailed(e, path);
                return;
            }
        }

        try
        {
            _resources.Delete(_types.PersistentVolumes, null, name, new DeleteOptions());
        }
        catch (ApiException e) when (e.Code == 404)
        {
        }
    }

    private JsonObject? Provision(JsonObject claim, JsonObject? node)
    {
        var className = ClassOf(claim);
        var storageClass = StorageClassOf(claim);
        if (className.Length == 0)
        {
            _events.Record(claim, Controller, EventRecorder.Normal, "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
            return null;
        }

        if (storageClass is null)
        {
            _events.Record(claim, Controller, EventRecorder.Warning, "ProvisioningFailed", $"storageclass.storage.k8s.io \"{className}\" not found");
            return null;
        }

        var provisioner = JsonValues.String(storageClass["provisioner"]) ?? "";
        if (provisioner != StorageConstants.Provisioner)
        {
            _events.Record(claim, Controller, EventRecorder.Normal, "ExternalProvisioning",
                $"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. " +
                "If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
            return null;
        }

        var ns = Metadata.Namespace(claim)!;
        var claimName = Metadata.Name(claim);
        _resources.Mutate(_types.PersistentVolumeClaims, ns, claimName, c =>
        {
            var annotations = BuiltInDefaults.Ensure(Metadata.Of(c), "annotations");
            if (JsonValues.String(annotations[StorageConstants.StorageProvisionerAnnotation]) == provisioner)
            {
                return false;
            }

            annotations[StorageConstants.StorageProvisionerAnnotation] = provisioner;
            annotations[StorageConstants.BetaStorageProvisionerAnnotation] = provisioner;
            return true;
        });
        _events.Record(claim, ProvisionerSource, EventRecorder.Normal, "Provisioning", $"External provisioner is provisioning volume for claim \"{ns}/{claimName}\"");
        var volumeName = "pvc-" + Metadata.Uid(claim);
        var path = Path.Combine(_paths.VolumesDirectory, $"{volumeName}_{ns}_{claimName}");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111); // 0777, as local-path and hostpath provisioners make them
        var spec = new JsonObject
        {
            ["capacity"] = new JsonObject { ["storage"] = claim["spec"]?["resources"]?["requests"]?["storage"]?.DeepClone() ?? "1Gi" },
            ["accessModes"] = claim["spec"]?["accessModes"]?.DeepClone() ?? new JsonArray("ReadWriteOnce"),
            ["persistentVolumeReclaimPolicy"] = JsonValues.String(storageClass["reclaimPolicy"]) ?? "Delete",
            ["storageClassName"] = className,
            ["volumeMode"] = JsonValues.String(claim["spec"]?["volumeMode"]) ?? "Filesystem",
            ["hostPath"] = new JsonObject { ["path"] = path, ["type"] = "DirectoryOrCreate" },
            ["claimRef"] = ClaimReference(claim),
        };
        if (node is not null)
        {
            spec["nodeAffinity"] = new JsonObject
            {
                ["required"] = new JsonObject
                {
                    ["nodeSelectorTerms"] = new JsonArray(new JsonObject
                    {
                        ["matchExpressions"] = new JsonArray(new JsonObject
                        {
                            ["key"] = "kubernetes.io/hostname", ["operator"] = "In", ["values"] = new JsonArray(Metadata.Name(node)),
                        }),
                    }),
                },
            };
        }

        if (claim["spec"]?["storageClassName"] is null)
        {
            spec.Remove("storageClassName");
        }

        JsonObject volume;
        try
        {
            volume = _resources.Create(_types.PersistentVolumes, null, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "PersistentVolume",
                ["metadata"] = new JsonObject
                {
                    ["name"] = volumeName,
                    ["annotations"] = new JsonObject { [StorageConstants.ProvisionedByAnnotation] = provisioner },
                },
                ["spec"] = spec,
            }, new WriteOptions());
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            volume = _resources.Get(_types.PersistentVolumes, null, volumeName);
        }

        _events.Record(claim, ProvisionerSource, EventRecorder.Normal, "ProvisioningSucceeded", $"Successfully provisioned volume {volumeName}");
        return Bind(claim, volume);
    }

    private JsonObject? Bind(JsonObject claim, JsonObject volume)
    {
        var volumeName = Metadata.Name(volume);
        var boundVolume = _resources.Mutate(_types.PersistentVolumes, null, volumeName, v =>
        {
            var spec = BuiltInDefaults.Ensure(v, "spec");
            if (spec["claimRef"] is JsonObject existing && JsonValues.String(existing["uid"]) == Metadata.Uid(claim))
            {
                return false;
            }

            if (spec["claimRef"] is null)
            {
                BuiltInDefaults.Ensure(Metadata.Of(v), "annotations")[StorageConstants.BoundByControllerAnnotation] = "yes";
            }

            spec["claimRef"] = ClaimReference(claim);
            return true;
        }) ?? _resources.Find(_types.PersistentVolumes, null, volumeName);
        if (boundVolume is null)
        {
            return null;
        }

        boundVolume = _resources.Mutate(_types.PersistentVolumes, null, volumeName, v =>
        {
            if (JsonValues.String(v["status"]?["phase"]) == "Bound")
            {
                return false;
            }

            BuiltInDefaults.Ensure(v, "status")["phase"] = "Bound";
            return true;
        }, "status") ?? boundVolume;
        var ns = Metadata.Namespace(claim);
        var name = Metadata.Name(claim);
        _resources.Mutate(_types.PersistentVolumeClaims, ns, name, c =>
        {
            var spec = BuiltInDefaults.Ensure(c, "spec");
            var annotations = BuiltInDefaults.Ensure(Metadata.Of(c), "annotations");
            if (JsonValues.String(spec["volumeName"]) is not { Length: > 0 })
            {
                annotations[StorageConstants.BoundByControllerAnnotation] = "yes";
            }

            annotations[StorageConstants.BindCompletedAnnotation] = "yes";
            spec["volumeName"] = volumeName;
            return true;
        });
        _resources.Mutate(_types.PersistentVolumeClaims, ns, name, c =>
        {
            c["status"] = new JsonObject
            {
                ["phase"] = "Bound",
                ["accessModes"] = boundVolume["spec"]?["accessModes"]?.DeepClone(),
                ["capacity"] = boundVolume["spec"]?["capacity"]?.DeepClone(),
            };
            return true;
        }, "status");
        LogBound(ns, name, volumeName);
        return boundVolume;
    }

    private static JsonObject ClaimReference(JsonObject claim) => new()
    {
        ["kind"] = "PersistentVolumeClaim",
        ["namespace"] = Metadata.Namespace(claim),
        ["name"] = Metadata.Name(claim),
        ["uid"] = Metadata.Uid(claim),
        ["apiVersion"] = "v1",
        ["resourceVersion"] = Metadata.ResourceVersion(claim),
    };

    private static bool IsUnder(string path, string directory) =>
        Path.GetFullPath(path).StartsWith(Path.GetFullPath(directory).TrimEnd('/') + "/", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bound claim {Namespace}/{Claim} to volume {Volume}")]
    private partial void LogBound(string? @namespace, string claim, string volume);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the directory {Path} of a reclaimed volume")]
    private partial void LogDeleteFailed(Exception exception, string path);
}
