using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers.Workloads;

/// <summary>
/// The ReplicaSet controller: keeps <c>replicas</c> active pods (pods that ended or are being deleted do not count, so
/// they are replaced), creating them from the template (<c>NAME-xxxxx</c>, owned) and deleting surplus ones in the
/// controller's order (unassigned, pending, not ready first); the status counts replicas, fully labeled, ready and
/// available (ready for <c>minReadySeconds</c>) pods. Not modelled: adoption of orphan pods, burst replicas,
/// ReplicaFailure conditions.
/// </summary>
public sealed class ReplicaSetController : KeyedController
{
    private static readonly EventSource Source = new("replicaset-controller");
    private readonly ResourceService _resources;
    private readonly ClusterTypes _types;
    private readonly EventRecorder _events;

    public ReplicaSetController(ResourceService resources, ClusterTypes types, EventRecorder events, TimeProvider time, ILogger<ReplicaSetController> logger)
        : base(resources.Store, time, logger)
    {
        _resources = resources;
        _types = types;
        _events = events;
    }

    protected override IEnumerable<string> KeysFor(StoreEvent change)
    {
        if (Owners.OwnerKeyOf(change, _types.ReplicaSets.StorageKey, _types.Pods.StorageKey, "ReplicaSet") is { } key)
        {
            yield return key;
        }
    }

    protected override Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = Owners.SplitKey(key);
        var rs = _resources.Store.Get(_types.ReplicaSets.StorageKey, ns, name);
        if (rs is null)
        {
            return Task.FromResult<TimeSpan?>(null);
        }

        var uid = Metadata.Uid(rs);
        var active = _resources.Store.List(_types.Pods.StorageKey, ns, p => Owners.ControllerUid(p) == uid && PodFacts.IsActive(p)).Items.ToList();
        if (!Metadata.IsDeleting(rs))
        {
            var desired = (int)(JsonValues.Long(rs["spec"]?["replicas"]) ?? 1);
            for (var missing = desired - active.Count; missing > 0; missing--)
            {
                if (CreatePod(rs) is not { } created)
                {
                    break;
                }

                active.Add(created);
            }

            foreach (var surplus in PodFacts.InDeletionOrder(active).Take(Math.Max(0, active.Count - desired)).ToList())
            {
                try
                {
                    _resources.Delete(_types.Pods, ns, Metadata.Name(surplus), new DeleteOptions());
                    _events.Record(rs, Source, EventRecorder.Normal, "SuccessfulDelete", $"Deleted pod: {Metadata.Name(surplus)}");
                }
                catch (ApiException e) when (e.Code == 404)
                {
                }

                active.Remove(surplus);
            }
        }

        var now = Time.GetUtcNow();
        var minReady = JsonValues.Long(rs["spec"]?["minReadySeconds"]) ?? 0;
        var templateLabels = rs["spec"]?["template"]?["metadata"]?["labels"] as JsonObject;
        var status = new JsonObject
        {
            ["replicas"] = active.Count,
            ["fullyLabeledReplicas"] = active.Count(p => templateLabels is null || templateLabels.All(l => Metadata.Labels(p)?[l.Key] is { } v && JsonValues.Display(v) == JsonValues.Display(l.Value))),
            ["readyReplicas"] = active.Count(PodFacts.IsReady),
            ["availableReplicas"] = active.Count(p => PodFacts.IsAvailable(p, minReady, now)),
            ["observedGeneration"] = Metadata.Generation(rs),
        };
        foreach (var counter in new[] { "fullyLabeledReplicas", "readyReplicas", "availableReplicas" })
        {
            if (JsonValues.Long(status[counter]) == 0)
            {
                status.Remove(counter); // omitempty, as ReplicaSetStatus is written
            }
        }

        _resources.Mutate(_types.ReplicaSets, ns, name, current =>
        {
            if (Metadata.Uid(current) != uid || JsonNode.DeepEquals(current["status"], status))
            {
                return false;
            }

            current["status"] = status.DeepClone();
            return true;
        }, "status");
        var waitingForAvailable = minReady > 0 && active.Any(p => PodFacts.IsReady(p) && !PodFacts.IsAvailable(p, minReady, now));
        return Task.FromResult<TimeSpan?>(waitingForAvailable ? TimeSpan.FromSeconds(1) : null);
    }

    private JsonObject? CreatePod(JsonObject rs)
    {
        var template = rs["spec"]?["template"]?.DeepClone() as JsonObject ?? [];
        var metadata = template["metadata"] as JsonObject ?? [];
        var podMetadata = new JsonObject
        {
            ["generateName"] = Metadata.Name(rs) + "-",
            ["labels"] = metadata["labels"]?.DeepClone() ?? new JsonObject(),
            ["ownerReferences"] = new JsonArray(Owners.ControllerReference(rs)),
        };
        if (metadata["annotations"] is JsonObject annotations)
        {
            podMetadata["annotations"] = annotations.DeepClone();
        }

        try
        {
            var created = _resources.Create(_types.Pods, Metadata.Namespace(rs), new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = podMetadata,
                ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
            }, new WriteOptions());
            _events.Record(rs, Source, EventRecorder.Normal, "SuccessfulCreate", $"Created pod: {Metadata.Name(created)}");
            return created;
        }
        catch (ApiException e)
        {
            _events.Record(rs, Source, EventRecorder.Warning, "FailedCreate", $"Error creating: {e.Message}");
            return null;
        }
    }
}
