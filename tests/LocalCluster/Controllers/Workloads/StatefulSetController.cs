using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers.Workloads;

/// <summary>
/// The StatefulSet controller: pods <c>NAME-0</c> … <c>NAME-(N-1)</c> with stable identities (hostname = pod name,
/// subdomain = <c>serviceName</c>, the pod-name and pod-index labels), each with its claims from
/// <c>volumeClaimTemplates</c> (<c>TEMPLATE-NAME-i</c>, made before the pod and kept after it, or owned by the set
/// under <c>whenDeleted: Delete</c>); with <c>OrderedReady</c> a pod is created only once all before it run and are
/// ready, and removed (highest first) only once all before it are; <c>Parallel</c> does all at once. Pods that ended are
/// deleted and made again. A template change rolls pods to the new revision from the highest ordinal down (above
/// <c>partition</c>), one at a time; the status carries replicas, ready, available, current and updated counts and the
/// revisions (<c>NAME-HASH</c>; no ControllerRevision objects are stored).
/// </summary>
public sealed class StatefulSetController : KeyedController
{
    private const string RevisionLabel = "controller-revision-hash";
    private static readonly EventSource Source = new("statefulset-controller");
    private readonly ResourceService _resources;
    private readonly ClusterTypes _types;
    private readonly EventRecorder _events;

    public StatefulSetController(ResourceService resources, ClusterTypes types, EventRecorder events, TimeProvider time, ILogger<StatefulSetController> logger)
        : base(resources.Store, time, logger)
    {
        _resources = resources;
        _types = types;
        _events = events;
    }

    protected override IEnumerable<string> KeysFor(StoreEvent change)
    {
        if (Owners.OwnerKeyOf(change, _types.StatefulSets.StorageKey, _types.Pods.StorageKey, "StatefulSet") is { } key)
        {
            yield return key;
        }
    }

    protected override Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = Owners.SplitKey(key);
        var set = _resources.Store.Get(_types.StatefulSets.StorageKey, ns, name);
        if (set is null || Metadata.IsDeleting(set))
        {
            return Task.FromResult<TimeSpan?>(null);
        }

        var spec = (JsonObject)set["spec"]!;
        var replicas = (int)(JsonValues.Long(spec["replicas"]) ?? 1);
        var parallel = JsonValues.String(spec["podManagementPolicy"]) == "Parallel";
        var rolling = JsonValues.String(spec["updateStrategy"]?["type"]) != "OnDelete";
        var partition = (int)(JsonValues.Long(spec["updateStrategy"]?["rollingUpdate"]?["partition"]) ?? 0);
        var updateRevision = $"{name}-{TemplateHash.Compute(spec["template"], JsonValues.Long(set["status"]?["collisionCount"]) ?? 0)}";
        var uid = Metadata.Uid(set);
        var pods = _resources.Store.List(_types.Pods.StorageKey, ns, p => Owners.ControllerUid(p) == uid).Items
            .Where(p => Ordinal(name, p) is not null)
            .ToDictionary(p => Ordinal(name, p)!.Value);
        var now = Time.GetUtcNow();
        var minReady = JsonValues.Long(spec["minReadySeconds"]) ?? 0;
        bool Healthy(JsonObject pod) => PodFacts.Phase(pod) == "Running" && PodFacts.IsReady(pod) && !Metadata.IsDeleting(pod);

        // Pods that ended are deleted so that they are made again.
        foreach (var (ordinal, pod) in pods.ToList())
        {
            if (PodFacts.IsTerminal(pod) && !Metadata.IsDeleting(pod))
            {
                DeletePod(set, pod);
                pods.Remove(ordinal);
            }
        }

        var blocked = false;
        for (var ordinal = 0; ordinal < replicas && !blocked; ordinal++)
        {
            if (!pods.TryGetValue(ordinal, out var pod))
            {
                if (CreatePod(set, ordinal, updateRevision) is { } created)
                {
                    pods[ordinal] = created;
                }

                blocked = !parallel;
                continue;
            }

            if (!parallel && !Healthy(pod))
            {
                blocked = true;
            }
        }

        // Surplus ordinals go, highest first (one at a time, once all below are healthy, unless Parallel).
        foreach (var (ordinal, pod) in pods.Where(p => p.Key >= replicas).OrderByDescending(p => p.Key).ToList())
        {
            if (Metadata.IsDeleting(pod))
            {
                blocked = !parallel;
                if (blocked)
                {
                    break;
                }

                continue;
            }

            if (!parallel && pods.Where(p => p.Key < ordinal).Any(p => !Healthy(p.Value)))
            {
                break;
            }

            DeletePod(set, pod);
            if (!parallel)
            {
                break;
            }
        }

        // Rolling update: the highest ordinal not at the update revision goes once every other pod is healthy.
        if (rolling && !blocked && pods.Where(p => p.Key < replicas).All(p => Healthy(p.Value)))
        {
            var outdated = pods.Where(p => p.Key < replicas && p.Key >= partition && Revision(p.Value) != updateRevision)
                .OrderByDescending(p => p.Key).Select(p => p.Value).FirstOrDefault();
            if (outdated is not null)
            {
                DeletePod(set, outdated);
            }
        }

        var live = pods.Values.Where(p => !Metadata.IsDeleting(p) || !PodFacts.IsTerminal(p)).ToList();
        var current = JsonValues.String(set["status"]?["currentRevision"]) ?? updateRevision;
        var updated = live.Count(p => Revision(p) == updateRevision);
        if (updated == replicas && live.Count(p => Ordinal(name, p) < replicas) == replicas)
        {
            current = updateRevision;
        }

        var status = new JsonObject
        {
            ["observedGeneration"] = Metadata.Generation(set),
            ["replicas"] = live.Count,
            ["readyReplicas"] = live.Count(PodFacts.IsReady),
            ["currentReplicas"] = live.Count(p => Revision(p) == current),
            ["updatedReplicas"] = updated,
            ["currentRevision"] = current,
            ["updateRevision"] = updateRevision,
            ["collisionCount"] = JsonValues.Long(set["status"]?["collisionCount"]) ?? 0,
            ["availableReplicas"] = live.Count(p => PodFacts.IsAvailable(p, minReady, now)),
        };
        foreach (var counter in new[] { "readyReplicas", "currentReplicas", "updatedReplicas" })
        {
            if (JsonValues.Long(status[counter]) == 0)
            {
                status.Remove(counter);
            }
        }

        _resources.Mutate(_types.StatefulSets, ns, name, s =>
        {
            if (Metadata.Uid(s) != uid || JsonNode.DeepEquals(s["status"], status))
            {
                return false;
            }

            s["status"] = status.DeepClone();
            return true;
        }, "status");
        return Task.FromResult<TimeSpan?>(minReady > 0 && live.Any(p => PodFacts.IsReady(p) && !PodFacts.IsAvailable(p, minReady, now))
            ? TimeSpan.FromSeconds(1)
            : null);
    }

    private static int? Ordinal(string setName, JsonObject pod)
    {
        var name = Metadata.Name(pod);
        return name.StartsWith(setName + "-", StringComparison.Ordinal) &&
               int.TryParse(name[(setName.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
            ? ordinal
            : null;
    }

    private static string? Revision(JsonObject pod) => JsonValues.String(Metadata.Labels(pod)?[RevisionLabel]);

    private JsonObject? CreatePod(JsonObject set, int ordinal, string revision)
    {
        var ns = Metadata.Namespace(set);
        var setName = Metadata.Name(set);
        var podName = $"{setName}-{ordinal.ToString(CultureInfo.InvariantCulture)}";
        var spec = (JsonObject)set["spec"]!;
        var template = spec["template"]?.DeepClone() as JsonObject ?? [];
        var podSpec = template["spec"] as JsonObject ?? [];
        template.Remove("spec");
        var volumes = podSpec["volumes"] as JsonArray ?? [];
        podSpec["volumes"] = volumes;
        foreach (var claimTemplate in BuiltInDefaults.Objects(spec["volumeClaimTemplates"]))
        {
            var templateName = Metadata.Name(claimTemplate);
            var claimName = $"{templateName}-{podName}";
            if (!EnsureClaim(set, claimTemplate, claimName, podName))
            {
                return null;
            }

            foreach (var existing in volumes.OfType<JsonObject>().Where(v => JsonValues.String(v["name"]) == templateName).ToList())
            {
                volumes.Remove(existing);
            }

            volumes.Add(new JsonObject { ["name"] = templateName, ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = claimName } });
        }

        if (volumes.Count == 0)
        {
            podSpec.Remove("volumes");
        }

        podSpec["hostname"] = podName;
        if (JsonValues.String(spec["serviceName"]) is { Length: > 0 } service)
        {
            podSpec["subdomain"] = service;
        }

        var metadata = template["metadata"] as JsonObject ?? [];
        var labels = metadata["labels"]?.DeepClone() as JsonObject ?? [];
        labels["statefulset.kubernetes.io/pod-name"] = podName;
        labels["apps.kubernetes.io/pod-index"] = ordinal.ToString(CultureInfo.InvariantCulture);
        labels[RevisionLabel] = revision;
        var podMetadata = new JsonObject
        {
            ["name"] = podName,
            ["labels"] = labels,
            ["ownerReferences"] = new JsonArray(Owners.ControllerReference(set)),
        };
        if (metadata["annotations"] is JsonObject annotations)
        {
            podMetadata["annotations"] = annotations.DeepClone();
        }

        try
        {
            var created = _resources.Create(_types.Pods, ns, new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = podMetadata, ["spec"] = podSpec,
            }, new WriteOptions());
            _events.Record(set, Source, EventRecorder.Normal, "SuccessfulCreate", $"create Pod {podName} in StatefulSet {setName} successful");
            return created;
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            return null; // the previous pod of this ordinal is still going
        }
        catch (ApiException e)
        {
            _events.Record(set, Source, EventRecorder.Warning, "FailedCreate", $"create Pod {podName} in StatefulSet {setName} failed error: {e.Message}");
            return null;
        }
    }

    private bool EnsureClaim(JsonObject set, JsonObject claimTemplate, string claimName, string podName)
    {
        var ns = Metadata.Namespace(set);
        if (_resources.Store.Get(_types.PersistentVolumeClaims.StorageKey, ns, claimName) is { } existing)
        {
            return !Metadata.IsDeleting(existing);
        }

        var labels = Metadata.Labels(claimTemplate)?.DeepClone() as JsonObject ?? [];
        foreach (var (key, value) in set["spec"]?["selector"]?["matchLabels"] as JsonObject ?? [])
        {
            labels[key] = value?.DeepClone();
        }

        var metadata = new JsonObject { ["name"] = claimName, ["labels"] = labels };
        if (Metadata.Annotations(claimTemplate) is { } annotations)
        {
            metadata["annotations"] = annotations.DeepClone();
        }

        if (JsonValues.String(set["spec"]?["persistentVolumeClaimRetentionPolicy"]?["whenDeleted"]) == "Delete")
        {
            metadata["ownerReferences"] = new JsonArray(Owners.ControllerReference(set));
        }

        try
        {
            _resources.Create(_types.PersistentVolumeClaims, ns, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "PersistentVolumeClaim",
                ["metadata"] = metadata,
                ["spec"] = claimTemplate["spec"]?.DeepClone() ?? new JsonObject(),
            }, new WriteOptions());
            _events.Record(set, Source, EventRecorder.Normal, "SuccessfulCreate",
                $"create Claim {claimName} Pod {podName} in StatefulSet {Metadata.Name(set)} success");
            return true;
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            return true;
        }
        catch (ApiException e)
        {
            _events.Record(set, Source, EventRecorder.Warning, "FailedCreate",
                $"create Claim {claimName} for Pod {podName} in StatefulSet {Metadata.Name(set)} failed error: {e.Message}");
            return false;
        }
    }

    private void DeletePod(JsonObject set, JsonObject pod)
    {
        try
        {
            _resources.Delete(_types.Pods, Metadata.Namespace(pod), Metadata.Name(pod), new DeleteOptions { PreconditionUid = Metadata.Uid(pod) });
            _events.Record(set, Source, EventRecorder.Normal, "SuccessfulDelete", $"delete Pod {Metadata.Name(pod)} in StatefulSet {Metadata.Name(set)} successful");
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
    }
}
