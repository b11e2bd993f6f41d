using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Controllers;
using ZkSync.LocalCluster.Controllers.Volumes;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Scheduling;

/// <summary>
/// A pending pod's claims as the VolumeBinding and VolumeRestrictions plugins see them: a claim that is missing, being
/// deleted, or unbound in a class that binds at once fails the pod on every node (pre-filter); a bound claim's volume
/// must allow the node (its node affinity); an unbound claim of a class that waits for the first consumer needs a
/// volume that can be bound or provisioned on the node; a ReadWriteOncePod claim that another pod uses fails every node.
/// </summary>
internal sealed class PodVolumes
{
    public const string ReadWriteOncePodConflict = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";
    public const string NoVolumeToBind = "node(s) didn't find available persistent volumes to bind";
    public const string VolumeNodeAffinityConflict = "node(s) had volume node affinity conflict";

    private readonly List<JsonObject> _boundVolumes = [];
    private readonly List<JsonObject> _waitingClaims = [];
    private readonly List<string> _singlePodClaims = [];
    private readonly VolumeBinder _binder;
    private IReadOnlyList<JsonObject> _allVolumes = [];

    private PodVolumes(VolumeBinder binder) => _binder = binder;

    /// <summary>Why the pod fits no node whatever the node, or null.</summary>
    public string? PreFilterFailure { get; private set; }

    /// <summary>Claims to bind (or provision) for the node the pod goes to.</summary>
    public IReadOnlyList<JsonObject> ToBindOnNode => _waitingClaims;

    public static PodVolumes Resolve(JsonObject pod, ResourceService resources, ClusterTypes types, VolumeBinder binder)
    {
        var result = new PodVolumes(binder);
        var ns = Metadata.Namespace(pod);
        foreach (var volume in BuiltInDefaults.Objects(pod["spec"]?["volumes"]))
        {
            if (JsonValues.String(volume["persistentVolumeClaim"]?["claimName"]) is not { } claimName)
            {
                continue;
            }

            var claim = resources.Store.Get(types.PersistentVolumeClaims.StorageKey, ns, claimName);
            if (claim is null)
            {
                result.PreFilterFailure = $"persistentvolumeclaim \"{claimName}\" not found";
                return result;
            }

            if (Metadata.IsDeleting(claim))
            {
                result.PreFilterFailure = $"persistentvolumeclaim \"{claimName}\" is being deleted";
                return result;
            }

            if (VolumeBinder.AccessModes(claim).Contains("ReadWriteOncePod"))
            {
                result._singlePodClaims.Add(claimName);
            }

            if (VolumeBinder.IsBound(claim))
            {
                var bound = resources.Store.Get(types.PersistentVolumes.StorageKey, null, JsonValues.String(claim["spec"]?["volumeName"])!);
                if (bound is null)
                {
                    result.PreFilterFailure = $"pvc {ns}/{claimName} is bound to non-existent pv {JsonValues.String(claim["spec"]?["volumeName"])}";
                    return result;
                }

                result._boundVolumes.Add(bound);
            }
            else if (binder.WaitsForFirstConsumer(claim))
            {
                result._waitingClaims.Add(claim);
            }
            else
            {
                result.PreFilterFailure = "pod has unbound immediate PersistentVolumeClaims";
                return result;
            }
        }

        if (result._waitingClaims.Count > 0)
        {
            result._allVolumes = resources.Store.List(types.PersistentVolumes.StorageKey, null).Items;
        }

        return result;
    }

    /// <summary>Whether another pod that has not ended uses one of the pod's ReadWriteOncePod claims.</summary>
    public bool UsesClaimHeldByAnotherPod(JsonObject pod, IReadOnlyList<JsonObject> allPods) =>
        _singlePodClaims.Count > 0 &&
        allPods.Any(other => Metadata.Uid(other) != Metadata.Uid(pod) && Metadata.Namespace(other) == Metadata.Namespace(pod) &&
                             PodFacts.NodeName(other) is not null && !PodFacts.IsTerminal(other) &&
                             BuiltInDefaults.Objects(other["spec"]?["volumes"])
                                 .Any(v => JsonValues.String(v["persistentVolumeClaim"]?["claimName"]) is { } c && _singlePodClaims.Contains(c)));

    public NodeFailure? FilterNode(JsonObject node)
    {
        foreach (var volume in _boundVolumes)
        {
            if (!NodeSelectorTerms.Match(volume["spec"]?["nodeAffinity"]?["required"]?["nodeSelectorTerms"], node))
            {
                return NodeFailure.Unresolved(VolumeNodeAffinityConflict);
            }
        }

        foreach (var claim in _waitingClaims)
        {
            if (VolumeBinder.FindMatchingVolume(claim, _allVolumes, node) is null && !_binder.CanProvision(claim))
            {
                return NodeFailure.Unresolved(NoVolumeToBind);
            }
        }

        return null;
    }
}
