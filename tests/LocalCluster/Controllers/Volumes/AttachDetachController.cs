using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers.Volumes;

/// <summary>
/// The attach/detach controller for volumes that allow one node at a time (ReadWriteOnce, ReadWriteOncePod): such a
/// volume is attached to the node of the first pod that uses it and stays there while a pod on that node that has not
/// ended uses it; a pod on another node waits (its kubelet does not mount the volume, the pod stays
/// <c>ContainerCreating</c>) with the <c>FailedAttachVolume</c> Multi-Attach event the real controller records, until
/// the volume is detached. Volumes that allow many nodes are not tracked: every node mounts them.
/// Not modelled: the real cluster's detach delay (unmount first, up to six minutes on an unhealthy node).
/// </summary>
public sealed class AttachDetachController : KeyedController
{
    private const string Key = "attachments";
    private static readonly EventSource Source = new("attachdetach-controller");
    private readonly ResourceService _resources;
    private readonly ClusterTypes _types;
    private readonly VolumeAttachments _attachments;
    private readonly EventRecorder _events;
    private readonly HashSet<(string Pod, string Volume)> _reported = [];

    public AttachDetachController(
        ResourceService resources, ClusterTypes types, VolumeAttachments attachments, EventRecorder events, TimeProvider time,
        ILogger<AttachDetachController> logger)
        : base(resources.Store, time, logger)
    {
        _resources = resources;
        _types = types;
        _attachments = attachments;
        _events = events;
    }

    protected override IEnumerable<string> KeysFor(StoreEvent change)
    {
        if (change.StorageKey == _types.Pods.StorageKey || change.StorageKey == _types.PersistentVolumeClaims.StorageKey ||
            change.StorageKey == _types.PersistentVolumes.StorageKey)
        {
            yield return Key;
        }
    }

    protected override Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var volumes = _resources.Store.List(_types.PersistentVolumes.StorageKey, null).Items.ToDictionary(Metadata.Name, StringComparer.Ordinal);
        var claims = _resources.Store.List(_types.PersistentVolumeClaims.StorageKey, null).Items.ToDictionary(Owners.Key, StringComparer.Ordinal);
        // Every scheduled pod that has not ended, by the single-node volume it uses.
        var users = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        foreach (var pod in _resources.Store.List(_types.Pods.StorageKey, null, p => PodFacts.NodeName(p) is not null && !PodFacts.IsTerminal(p)).Items)
        {
            foreach (var volume in BuiltInDefaults.Objects(pod["spec"]?["volumes"]))
            {
                if (JsonValues.String(volume["persistentVolumeClaim"]?["claimName"]) is { } claimName &&
                    claims.TryGetValue($"{Metadata.Namespace(pod)}/{claimName}", out var claim) &&
                    JsonValues.String(claim["spec"]?["volumeName"]) is { Length: > 0 } volumeName &&
                    volumes.TryGetValue(volumeName, out var pv) && VolumeBinder.IsSingleNode(pv))
                {
                    if (!users.TryGetValue(volumeName, out var list))
                    {
                        users[volumeName] = list = [];
                    }

                    list.Add(pod);
                }
            }
        }

        var attachments = new Dictionary<string, string>(StringComparer.Ordinal);
        var waitingNow = new HashSet<(string Pod, string Volume)>();
        foreach (var (volume, pods) in users)
        {
            var current = _attachments.NodeOf(volume);
            if (current is null || !pods.Any(p => PodFacts.NodeName(p) == current))
            {
                current = pods.OrderBy(p => Metadata.ParseTimestamp(p["metadata"]?["creationTimestamp"]) ?? DateTimeOffset.MinValue)
                    .ThenBy(Metadata.Name, StringComparer.Ordinal)
                    .Select(PodFacts.NodeName)
                    .First()!;
            }

            attachments[volume] = current;
            var holders = pods.Where(p => PodFacts.NodeName(p) == current).ToList();
            foreach (var waiting in pods.Where(p => PodFacts.NodeName(p) != current))
            {
                var entry = (Metadata.Uid(waiting) ?? "", volume);
                waitingNow.Add(entry);
                if (_reported.Add(entry))
                {
                    _events.Record(waiting, Source, EventRecorder.Warning, "FailedAttachVolume",
                        $"Multi-Attach error for volume \"{volume}\" {UsedBy(waiting, holders)}");
                }
            }
        }

        _reported.IntersectWith(waitingNow);
        _attachments.Set(attachments);
        return Task.FromResult<TimeSpan?>(null);
    }

    /// <summary>The reconciler's wording: the holders in the waiting pod's namespace by name, the others counted.</summary>
    private static string UsedBy(JsonObject waiting, List<JsonObject> holders)
    {
        var local = holders.Where(p => Metadata.Namespace(p) == Metadata.Namespace(waiting)).Select(Metadata.Name).ToList();
        var elsewhere = holders.Count - local.Count;
        if (local.Count == 0)
        {
            return $"Volume is already used by {elsewhere} pod(s) in different namespaces";
        }

        var text = $"Volume is already used by pod(s) {string.Join(", ", local)}";
        return elsewhere > 0 ? $"{text} and {elsewhere} pod(s) in different namespaces" : text;
    }
}
