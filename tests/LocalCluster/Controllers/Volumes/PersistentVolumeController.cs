using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers.Volumes;

/// <summary>
/// The PersistentVolume controller and the storage-object-in-use protection: binds pending claims (immediately, or
/// once the scheduler selected a node for a class that waits for the first consumer), marks claims whose volume
/// vanished <c>Lost</c>, releases and reclaims volumes whose claim is gone, and holds a claim that a pod still uses
/// (<c>kubernetes.io/pvc-protection</c>) and a volume still bound (<c>kubernetes.io/pv-protection</c>) while they are
/// deleted. At start it creates the cluster's default StorageClass (<c>standard</c>, the local provisioner, bound at
/// once) unless one exists.
/// </summary>
public sealed partial class PersistentVolumeController : KeyedController
{
    private const string ClaimPrefix = "claim:";
    private const string VolumePrefix = "volume:";
    private const string AllClaims = "claims";
    private static readonly EventSource Controller = new(StorageConstants.ControllerComponent);
    private readonly ResourceService _resources;
    private readonly ClusterTypes _types;
    private readonly VolumeBinder _binder;
    private readonly EventRecorder _events;

    public PersistentVolumeController(
        ResourceService resources, ClusterTypes types, VolumeBinder binder, EventRecorder events, TimeProvider time, ILogger<PersistentVolumeController> logger)
        : base(resources.Store, time, logger)
    {
        _resources = resources;
        _types = types;
        _binder = binder;
        _events = events;
    }

    protected override Task StartingAsync(CancellationToken cancellationToken)
    {
        var classes = _resources.Store.List(_types.StorageClasses.StorageKey, null).Items;
        if (classes.Count == 0)
        {
            _resources.Create(_types.StorageClasses, null, new JsonObject
            {
                ["apiVersion"] = "storage.k8s.io/v1",
                ["kind"] = "StorageClass",
                ["metadata"] = new JsonObject
                {
                    ["name"] = StorageConstants.DefaultClassName,
                    ["annotations"] = new JsonObject { [StorageConstants.DefaultClassAnnotation] = "true" },
                },
                ["provisioner"] = StorageConstants.Provisioner,
                ["reclaimPolicy"] = "Delete",
                ["volumeBindingMode"] = "Immediate",
            }, new WriteOptions());
        }

        return Task.CompletedTask;
    }

    protected override IEnumerable<string> KeysFor(StoreEvent change)
    {
        if (change.StorageKey == _types.PersistentVolumeClaims.StorageKey)
        {
            yield return ClaimPrefix + Owners.Key(change.Object);
            if (JsonValues.String(change.Object["spec"]?["volumeName"]) is { Length: > 0 } volume)
            {
                yield return VolumePrefix + volume;
            }
        }
        else if (change.StorageKey == _types.PersistentVolumes.StorageKey)
        {
            yield return VolumePrefix + Metadata.Name(change.Object);
            yield return AllClaims;
        }
        else if (change.StorageKey == _types.StorageClasses.StorageKey)
        {
            yield return AllClaims;
        }
        else if (change.StorageKey == _types.Pods.StorageKey && (change.Type == WatchEventType.Deleted || PodFacts.IsTerminal(change.Object)))
        {
            // A pod that ended or went may release a claim being deleted.
            foreach (var claim in ClaimNames(change.Object))
            {
                yield return $"{ClaimPrefix}{Metadata.Namespace(change.Object)}/{claim}";
            }
        }
    }

    protected override Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (key == AllClaims)
        {
            foreach (var claim in _resources.Store.List(_types.PersistentVolumeClaims.StorageKey, null, c => !VolumeBinder.IsBound(c)).Items)
            {
                Enqueue(ClaimPrefix + Owners.Key(claim));
            }
        }
        else if (key.StartsWith(ClaimPrefix, StringComparison.Ordinal))
        {
            var (ns, name) = Owners.SplitKey(key[ClaimPrefix.Length..]);
            if (_resources.Store.Get(_types.PersistentVolumeClaims.StorageKey, ns, name) is { } claim)
            {
                SyncClaim(claim);
            }
        }
        else if (key.StartsWith(VolumePrefix, StringComparison.Ordinal))
        {
            if (_resources.Store.Get(_types.PersistentVolumes.StorageKey, null, key[VolumePrefix.Length..]) is { } volume)
            {
                SyncVolume(volume);
            }
        }

        return Task.FromResult<TimeSpan?>(null);
    }

    private static IEnumerable<string> ClaimNames(JsonObject pod) =>
        BuiltInDefaults.Objects(pod["spec"]?["volumes"])
            .Select(v => JsonValues.String(v["persistentVolumeClaim"]?["claimName"]))
            .OfType<string>();

    private void SyncClaim(JsonObject claim)
    {
        var ns = Metadata.Namespace(claim)!;
        var name = Metadata.Name(claim);
        if (Metadata.IsDeleting(claim))
        {
            if (Metadata.Finalizers(claim).Contains(StorageConstants.ClaimProtectionFinalizer) && !InUse(ns, name))
            {
                SetFinalizer(_types.PersistentVolumeClaims, ns, name, StorageConstants.ClaimProtectionFinalizer, present: false);
            }

            return;
        }

        if (!Metadata.Finalizers(claim).Contains(StorageConstants.ClaimProtectionFinalizer))
        {
            SetFinalizer(_types.PersistentVolumeClaims, ns, name, StorageConstants.ClaimProtectionFinalizer, present: true);
        }

        if (VolumeBinder.IsBound(claim))
        {
            var volumeName = JsonValues.String(claim["spec"]?["volumeName"])!;
            if (_resources.Store.Get(_types.PersistentVolumes.StorageKey, null, volumeName) is null)
            {
                _resources.Mutate(_types.PersistentVolumeClaims, ns, name, c =>
                {
                    BuiltInDefaults.Ensure(c, "status")["phase"] = "Lost";
                    return true;
                }, "status");
                _events.Record(claim, Controller, EventRecorder.Warning, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
            }

            return;
        }

        JsonObject? node = null;
        if (_binder.WaitsForFirstConsumer(claim))
        {
            if (JsonValues.String(Metadata.Annotations(claim)?[StorageConstants.SelectedNodeAnnotation]) is not { Length: > 0 } selected)
            {
                _events.Record(claim, Controller, EventRecorder.Normal, "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
                return;
            }

            node = _resources.Store.Get(_types.Nodes.StorageKey, null, selected);
        }

        _binder.BindOrProvision(claim, node);
    }

    private void SyncVolume(JsonObject volume)
    {
        var name = Metadata.Name(volume);
        var claimRef = volume["spec"]?["claimRef"] as JsonObject;
        var bound = claimRef is not null && JsonValues.String(volume["status"]?["phase"]) == "Bound";
        if (Metadata.IsDeleting(volume))
        {
            if (!bound && Metadata.Finalizers(volume).Contains(StorageConstants.VolumeProtectionFinalizer))
            {
                SetFinalizer(_types.PersistentVolumes, null, name, StorageConstants.VolumeProtectionFinalizer, present: false);
            }

            return;
        }

        if (!Metadata.Finalizers(volume).Contains(StorageConstants.VolumeProtectionFinalizer))
        {
            SetFinalizer(_types.PersistentVolumes, null, name, StorageConstants.VolumeProtectionFinalizer, present: true);
        }

        if (claimRef is null)
        {
            if (JsonValues.String(volume["status"]?["phase"]) is not "Available")
            {
                _resources.Mutate(_types.PersistentVolumes, null, name, v =>
                {
                    BuiltInDefaults.Ensure(v, "status")["phase"] = "Available";
                    return true;
                }, "status");
            }

            return;
        }

        var claim = _resources.Store.Get(
            _types.PersistentVolumeClaims.StorageKey, JsonValues.String(claimRef["namespace"]), JsonValues.String(claimRef["name"]) ?? "");
        var refUid = JsonValues.String(claimRef["uid"]);
        if (claim is null || (refUid is { Length: > 0 } && refUid != Metadata.Uid(claim)))
        {
            if (refUid is { Length: > 0 })
            {
                _binder.Reclaim(volume);
            }
            else if (JsonValues.String(volume["status"]?["phase"]) is not "Available")
            {
                // Pre-bound to a claim that does not exist yet: it waits for it.
                _resources.Mutate(_types.PersistentVolumes, null, name, v =>
                {
                    BuiltInDefaults.Ensure(v, "status")["phase"] = "Available";
                    return true;
                }, "status");
            }

            return;
        }

        if (!VolumeBinder.IsBound(claim))
        {
            Enqueue(ClaimPrefix + Owners.Key(claim));
        }
    }

    /// <summary>Whether a pod that has not ended uses the claim (the protection controller's check).</summary>
    private bool InUse(string ns, string claim) =>
        _resources.Store.List(_types.Pods.StorageKey, ns, p => !PodFacts.IsTerminal(p) && ClaimNames(p).Contains(claim)).Items.Count > 0;

    private void SetFinalizer(ResourceType type, string? ns, string name, string finalizer, bool present)
    {
        _resources.Mutate(type, ns, name, current =>
        {
            var finalizers = Metadata.Finalizers(current).ToList();
            if (finalizers.Contains(finalizer) == present || (present && Metadata.IsDeleting(current)))
            {
                return false;
            }

            if (present)
            {
                finalizers.Add(finalizer);
            }
            else
            {
                finalizers.Remove(finalizer);
            }

            Metadata.SetFinalizers(current, finalizers);
            return true;
        });
    }
}
