using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers.Workloads;

/// <summary>
/// The Deployment controller: one ReplicaSet per pod template (<c>NAME-HASH</c>, the template labelled
/// <c>pod-template-hash</c>, the revision annotations), the current one scaled up and the old ones down as the
/// strategy allows (RollingUpdate within <c>maxSurge</c>/<c>maxUnavailable</c>, unhealthy old replicas first;
/// Recreate: old pods gone first), old ReplicaSets beyond <c>revisionHistoryLimit</c> deleted; the status (replicas,
/// updated, ready, available, unavailable, observedGeneration) and the Available and Progressing conditions as
/// <c>kubectl rollout status</c> and <c>helm --wait</c> read them, <c>progressDeadlineSeconds</c> included; the
/// <c>ScalingReplicaSet</c> events. Not modelled: rollbacks through <c>kubectl rollout undo</c> (a template change
/// back simply reuses the old ReplicaSet), proportional scaling of several ReplicaSets at once.
/// </summary>
public sealed class DeploymentController : KeyedController
{
    public const string TemplateHashLabel = "pod-template-hash";
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    private static readonly EventSource Source = new("deployment-controller");
    private readonly ResourceService _resources;
    private readonly ClusterTypes _types;
    private readonly EventRecorder _events;

    public DeploymentController(ResourceService resources, ClusterTypes types, EventRecorder events, TimeProvider time, ILogger<DeploymentController> logger)
        : base(resources.Store, time, logger)
    {
        _resources = resources;
        _types = types;
        _events = events;
    }

    protected override IEnumerable<string> KeysFor(StoreEvent change)
    {
        if (Owners.OwnerKeyOf(change, _types.Deployments.StorageKey, _types.ReplicaSets.StorageKey, "Deployment") is { } key)
        {
            yield return key;
        }
        else if (change.StorageKey == _types.Pods.StorageKey && change.Type == WatchEventType.Deleted &&
                 Owners.ControllerOf(change.Object, "ReplicaSet") is { } rs &&
                 _resources.Store.Get(_types.ReplicaSets.StorageKey, Metadata.Namespace(change.Object), rs.Name) is { } set &&
                 Owners.ControllerOf(set, "Deployment") is { } deployment)
        {
            // Recreate waits for old pods to be gone.
            yield return $"{Metadata.Namespace(change.Object)}/{deployment.Name}";
        }
    }

    protected override Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = Owners.SplitKey(key);
        var deployment = _resources.Store.Get(_types.Deployments.StorageKey, ns, name);
        if (deployment is null || Metadata.IsDeleting(deployment))
        {
            return Task.FromResult<TimeSpan?>(null);
        }

        var uid = Metadata.Uid(deployment);
        var spec = (JsonObject)deployment["spec"]!;
        var replicas = (int)(JsonValues.Long(spec["replicas"]) ?? 1);
        var template = spec["template"];
        var all = _resources.Store.List(_types.ReplicaSets.StorageKey, ns, r => Owners.ControllerUid(r) == uid).Items.ToList();
        var current = all.FirstOrDefault(r => TemplateHash.EqualIgnoringLabel(r["spec"]?["template"], template, TemplateHashLabel));
        var old = all.Where(r => r != current).OrderBy(r => Metadata.ParseTimestamp(r["metadata"]?["creationTimestamp"])).ToList();
        var (maxSurge, maxUnavailable) = RollingParameters(spec, replicas);
        var recreate = JsonValues.String(spec["strategy"]?["type"]) == "Recreate";
        var paused = JsonValues.Bool(spec["paused"]) == true;
        string? created = null;
        if (current is null && !paused)
        {
            var initial = recreate ? 0 : NewReplicas(0, Sum(all), replicas, maxSurge);
            if (recreate && Sum(old) == 0 && !OldPodsRemain(old))
            {
                initial = replicas;
            }

            current = CreateReplicaSet(deployment, all, initial);
            if (current is not null)
            {
                created = Metadata.Name(current);
                all.Add(current);
            }
        }

        if (current is not null && !paused)
        {
            if (recreate)
            {
                foreach (var rs in old)
                {
                    Scale(deployment, rs, 0, replicas + maxSurge);
                }

                if (!OldPodsRemain(old))
                {
                    Scale(deployment, current, replicas, replicas);
                }
            }
            else
            {
                var newReplicas = Replicas(current);
                var target = newReplicas > replicas ? replicas : NewReplicas(newReplicas, Sum(all), replicas, maxSurge);
                if (target != newReplicas)
                {
                    current = Scale(deployment, current, target, replicas + maxSurge) ?? current;
                }

                ScaleDownOld(deployment, current, old, replicas, maxSurge, maxUnavailable);
            }

            SetRevision(deployment, current, all);
            CleanUp(deployment, old);
        }

        return Task.FromResult(WriteStatus(deployment, current, all, replicas, maxUnavailable, created));
    }

    /// <summary>How far the new ReplicaSet may grow (NewRSNewReplicas): up to replicas + maxSurge pods in all.</summary>
    private static int NewReplicas(int current, int total, int replicas, int maxSurge)
    {
        var maxTotal = replicas + maxSurge;
        if (total >= maxTotal)
        {
            return current;
        }

        return current + Math.Min(maxTotal - total, replicas - current);
    }

    /// <summary>reconcileOldReplicaSets: old replicas go as far as availability allows, unavailable ones first.</summary>
    private void ScaleDownOld(JsonObject deployment, JsonObject current, List<JsonObject> old, int replicas, int maxSurge, int maxUnavailable)
    {
        if (Sum(old) == 0)
        {
            return;
        }

        var all = old.Append(current).ToList();
        var minAvailable = replicas - maxUnavailable;
        var newUnavailable = Replicas(current) - Available(current);
        var maxScaledDown = Sum(all) - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return;
        }

        foreach (var rs in old.Where(r => Replicas(r) > 0))
        {
            if (maxScaledDown <= 0)
            {
                break;
            }

            var unhealthy = Replicas(rs) - Available(rs);
            if (unhealthy <= 0)
            {
                continue;
            }

            var down = Math.Min(unhealthy, maxScaledDown);
            Scale(deployment, rs, Replicas(rs) - down, replicas + maxSurge);
            maxScaledDown -= down;
        }

        var available = all.Sum(Available);
        var scaleDown = available - minAvailable;
        foreach (var rs in old)
        {
            var fresh = _resources.Store.Get(_types.ReplicaSets.StorageKey, Metadata.Namespace(rs), Metadata.Name(rs)) ?? rs;
            if (scaleDown <= 0 || Replicas(fresh) == 0)
            {
                continue;
            }

            var down = Math.Min(Replicas(fresh), scaleDown);
            Scale(deployment, fresh, Replicas(fresh) - down, replicas + maxSurge);
            scaleDown -= down;
        }
    }

    private bool OldPodsRemain(List<JsonObject> old)
    {
        var uids = old.Select(Metadata.Uid).ToHashSet(StringComparer.Ordinal);
        return old.Count > 0 && _resources.Store.List(_types.Pods.StorageKey, Metadata.Namespace(old[0]),
            p => uids.Contains(Owners.ControllerUid(p)) && !PodFacts.IsTerminal(p)).Items.Count > 0;
    }

    private JsonObject? CreateReplicaSet(JsonObject deployment, List<JsonObject> all, int replicas)
    {
        var spec = (JsonObject)deployment["spec"]!;
        var collisions = JsonValues.Long(deployment["status"]?["collisionCount"]) ?? 0;
        var hash = TemplateHash.Compute(spec["template"], collisions);
        var template = (JsonObject)spec["template"]!.DeepClone();
        BuiltInDefaults.Ensure(BuiltInDefaults.Ensure(template, "metadata"), "labels")[TemplateHashLabel] = hash;
        var selector = spec["selector"]?.DeepClone() as JsonObject ?? [];
        BuiltInDefaults.Ensure(selector, "matchLabels")[TemplateHashLabel] = hash;
        var annotations = new JsonObject();
        foreach (var (key, value) in Metadata.Annotations(deployment) ?? [])
        {
            if (key is not ("kubectl.kubernetes.io/last-applied-configuration" or RevisionAnnotation))
            {
                annotations[key] = value?.DeepClone();
            }
        }

        var (maxSurge, _) = RollingParameters(spec, (int)(JsonValues.Long(spec["replicas"]) ?? 1));
        annotations[RevisionAnnotation] = (all.Select(Revision).DefaultIfEmpty(0).Max() + 1).ToString(CultureInfo.InvariantCulture);
        annotations["deployment.kubernetes.io/desired-replicas"] = (JsonValues.Long(spec["replicas"]) ?? 1).ToString(CultureInfo.InvariantCulture);
        annotations["deployment.kubernetes.io/max-replicas"] = ((JsonValues.Long(spec["replicas"]) ?? 1) + maxSurge).ToString(CultureInfo.InvariantCulture);
        var name = $"{Metadata.Name(deployment)}-{hash}";
        try
        {
            var rsSpec = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = selector,
                ["template"] = template,
            };
            if (spec["minReadySeconds"] is { } minReady)
            {
                rsSpec["minReadySeconds"] = minReady.DeepClone();
            }

            var created = _resources.Create(_types.ReplicaSets, Metadata.Namespace(deployment), new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "ReplicaSet",
                ["metadata"] = new JsonObject
                {
                    ["name"] = name,
                    ["labels"] = template["metadata"]!["labels"]!.DeepClone(),
                    ["annotations"] = annotations,
                    ["ownerReferences"] = new JsonArray(Owners.ControllerReference(deployment)),
                },
                ["spec"] = rsSpec,
            }, new WriteOptions());
            if (replicas > 0)
            {
                _events.Record(deployment, Source, EventRecorder.Normal, "ScalingReplicaSet", $"Scaled up replica set {name} from 0 to {replicas}");
            }

            return created;
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            // A ReplicaSet of that name with another template: count the collision, the next sync hashes anew.
            _resources.Mutate(_types.Deployments, Metadata.Namespace(deployment), Metadata.Name(deployment), d =>
            {
                BuiltInDefaults.Ensure(d, "status")["collisionCount"] = collisions + 1;
                return true;
            }, "status");
            return null;
        }
    }

    private JsonObject? Scale(JsonObject deployment, JsonObject rs, int replicas, int maxReplicas)
    {
        var before = Replicas(rs);
        var desired = (JsonValues.Long(deployment["spec"]?["replicas"]) ?? 1).ToString(CultureInfo.InvariantCulture);
        var max = maxReplicas.ToString(CultureInfo.InvariantCulture);
        var scaled = _resources.Mutate(_types.ReplicaSets, Metadata.Namespace(rs), Metadata.Name(rs), current =>
        {
            var annotations = BuiltInDefaults.Ensure(Metadata.Of(current), "annotations");
            if (JsonValues.Long(current["spec"]?["replicas"]) == replicas &&
                JsonValues.String(annotations["deployment.kubernetes.io/desired-replicas"]) == desired &&
                JsonValues.String(annotations["deployment.kubernetes.io/max-replicas"]) == max)
            {
                return false;
            }

            BuiltInDefaults.Ensure(current, "spec")["replicas"] = replicas;
            annotations["deployment.kubernetes.io/desired-replicas"] = desired;
            annotations["deployment.kubernetes.io/max-replicas"] = max;
            return true;
        });
        if (before != replicas && scaled is not null)
        {
            _events.Record(deployment, Source, EventRecorder.Normal, "ScalingReplicaSet",
                $"Scaled {(replicas > before ? "up" : "down")} replica set {Metadata.Name(rs)} from {before} to {replicas}");
        }

        return scaled;
    }

    private void SetRevision(JsonObject deployment, JsonObject current, List<JsonObject> all)
    {
        var revision = Revision(current);
        var latest = all.Select(Revision).DefaultIfEmpty(0).Max();
        if (revision < latest)
        {
            // Back to an older template: it becomes the newest revision, as a rollback does.
            revision = latest + 1;
            _resources.Mutate(_types.ReplicaSets, Metadata.Namespace(current), Metadata.Name(current), rs =>
            {
                BuiltInDefaults.Ensure(Metadata.Of(rs), "annotations")[RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture);
                return true;
            });
        }

        var text = revision.ToString(CultureInfo.InvariantCulture);
        _resources.Mutate(_types.Deployments, Metadata.Namespace(deployment), Metadata.Name(deployment), d =>
        {
            var annotations = BuiltInDefaults.Ensure(Metadata.Of(d), "annotations");
            if (JsonValues.String(annotations[RevisionAnnotation]) == text)
            {
                return false;
            }

            annotations[RevisionAnnotation] = text;
            return true;
        });
    }

    /// <summary>Old ReplicaSets scaled to zero beyond <c>revisionHistoryLimit</c> go, oldest first.</summary>
    private void CleanUp(JsonObject deployment, List<JsonObject> old)
    {
        var limit = (int)(JsonValues.Long(deployment["spec"]?["revisionHistoryLimit"]) ?? 10);
        var idle = old.Where(r => Replicas(r) == 0 && (JsonValues.Long(r["status"]?["replicas"]) ?? 0) == 0).ToList();
        foreach (var rs in idle.Take(Math.Max(0, idle.Count - limit)))
        {
            try
            {
                _resources.Delete(_types.ReplicaSets, Metadata.Namespace(rs), Metadata.Name(rs), new DeleteOptions());
            }
            catch (ApiException e) when (e.Code == 404)
            {
            }
        }
    }

    private TimeSpan? WriteStatus(JsonObject deployment, JsonObject? current, List<JsonObject> all, int replicas, int maxUnavailable, string? created)
    {
        var ns = Metadata.Namespace(deployment);
        var fresh = all.Select(r => _resources.Store.Get(_types.ReplicaSets.StorageKey, ns, Metadata.Name(r))).OfType<JsonObject>().ToList();
        var currentFresh = current is null ? null : fresh.FirstOrDefault(r => Metadata.Uid(r) == Metadata.Uid(current));
        var now = Time.GetUtcNow();
        var oldStatus = deployment["status"] as JsonObject ?? [];
        var statusReplicas = fresh.Sum(r => (int)(JsonValues.Long(r["status"]?["replicas"]) ?? 0));
        var updated = (int)(JsonValues.Long(currentFresh?["status"]?["replicas"]) ?? 0);
        var ready = fresh.Sum(r => (int)(JsonValues.Long(r["status"]?["readyReplicas"]) ?? 0));
        var available = fresh.Sum(Available);
        var status = new JsonObject
        {
            ["observedGeneration"] = Metadata.Generation(deployment),
            ["replicas"] = statusReplicas,
            ["updatedReplicas"] = updated,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = available,
            ["unavailableReplicas"] = Math.Max(0, Sum(fresh) - available),
        };
        foreach (var counter in new[] { "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas" })
        {
            if (JsonValues.Long(status[counter]) == 0)
            {
                status.Remove(counter);
            }
        }

        if (oldStatus["collisionCount"] is { } collisions)
        {
            status["collisionCount"] = collisions.DeepClone();
        }

        var conditions = BuiltInDefaults.Objects(oldStatus["conditions"]).Select(c => (JsonObject)c.DeepClone()).ToList();
        if (available >= replicas - maxUnavailable)
        {
            SetCondition(conditions, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now);
        }
        else
        {
            SetCondition(conditions, "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now);
        }

        TimeSpan? again = null;
        var rsName = currentFresh is null ? "" : Metadata.Name(currentFresh);
        var deadline = JsonValues.Long(deployment["spec"]?["progressDeadlineSeconds"]);
        var complete = updated == replicas && statusReplicas == replicas && available == replicas;
        var progressing = conditions.FirstOrDefault(c => JsonValues.String(c["type"]) == "Progressing");
        if (created is not null)
        {
            SetCondition(conditions, "Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{created}\"", now);
        }
        else if (currentFresh is not null && complete)
        {
            SetCondition(conditions, "Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{rsName}\" has successfully progressed.", now);
        }
        else if (currentFresh is not null && progressing is null)
        {
            SetCondition(conditions, "Progressing", "True", "FoundNewReplicaSet", $"Found new replica set \"{rsName}\"", now);
        }
        else if (currentFresh is not null && Progressed(oldStatus, status))
        {
            SetCondition(conditions, "Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{rsName}\" is progressing.", now);
        }
        else if (currentFresh is not null && deadline is { } seconds && progressing is not null &&
                 JsonValues.String(progressing["reason"]) != "NewReplicaSetAvailable" &&
                 Metadata.ParseTimestamp(progressing["lastUpdateTime"]) is { } lastUpdate)
        {
            var remaining = lastUpdate.AddSeconds(seconds) - now;
            if (remaining <= TimeSpan.Zero)
            {
                SetCondition(conditions, "Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{rsName}\" has timed out progressing.", now);
            }
            else
            {
                again = remaining;
            }
        }

        status["conditions"] = new JsonArray(conditions.Select(c => (JsonNode)c).ToArray());
        _resources.Mutate(_types.Deployments, ns, Metadata.Name(deployment), d =>
        {
            if (Metadata.Uid(d) != Metadata.Uid(deployment) || JsonNode.DeepEquals(d["status"], status))
            {
                return false;
            }

            d["status"] = status.DeepClone();
            return true;
        }, "status");
        var minReady = JsonValues.Long(deployment["spec"]?["minReadySeconds"]) ?? 0;
        if (minReady > 0 && !complete)
        {
            again = again is { } a && a < TimeSpan.FromSeconds(1) ? a : TimeSpan.FromSeconds(1);
        }

        return again;
    }

    private static bool Progressed(JsonObject before, JsonObject after)
    {
        foreach (var counter in new[] { "updatedReplicas", "readyReplicas", "availableReplicas" })
        {
            if ((JsonValues.Long(after[counter]) ?? 0) > (JsonValues.Long(before[counter]) ?? 0))
            {
                return true;
            }
        }

        return (JsonValues.Long(after["replicas"]) ?? 0) - (JsonValues.Long(after["updatedReplicas"]) ?? 0) <
               (JsonValues.Long(before["replicas"]) ?? 0) - (JsonValues.Long(before["updatedReplicas"]) ?? 0);
    }

    private static void SetCondition(List<JsonObject> conditions, string type, string status, string reason, string message, DateTimeOffset now)
    {
        var existing = conditions.FirstOrDefault(c => JsonValues.String(c["type"]) == type);
        var stamp = Metadata.Timestamp(now);
        if (existing is not null && JsonValues.String(existing["status"]) == status && JsonValues.String(existing["reason"]) == reason &&
            JsonValues.String(existing["message"]) == message)
        {
            return;
        }

        var condition = new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastUpdateTime"] = stamp,
            ["lastTransitionTime"] = existing is not null && JsonValues.String(existing["status"]) == status ? existing["lastTransitionTime"]?.DeepClone() : stamp,
            ["reason"] = reason,
            ["message"] = message,
        };
        if (existing is null)
        {
            conditions.Add(condition);
        }
        else
        {
            conditions[conditions.IndexOf(existing)] = condition;
        }
    }

    /// <summary>maxSurge rounds up and maxUnavailable down against the replicas; both zero means one unavailable.</summary>
    private static (int MaxSurge, int MaxUnavailable) RollingParameters(JsonObject spec, int replicas)
    {
        if (JsonValues.String(spec["strategy"]?["type"]) == "Recreate")
        {
            return (0, replicas);
        }

        var rolling = spec["strategy"]?["rollingUpdate"];
        var surge = Scaled(rolling?["maxSurge"], replicas, roundUp: true, fallback: (replicas + 3) / 4);
        var unavailable = Scaled(rolling?["maxUnavailable"], replicas, roundUp: false, fallback: replicas / 4);
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }

        return (surge, Math.Min(unavailable, replicas));
    }

    private static int Scaled(JsonNode? value, int total, bool roundUp, int fallback)
    {
        if (JsonValues.Long(value) is { } number)
        {
            return (int)number;
        }

        if (JsonValues.String(value) is { } text && text.EndsWith('%') &&
            int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
        {
            var exact = total * percent / 100.0;
            return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
        }

        return fallback;
    }

    private static int Replicas(JsonObject rs) => (int)(JsonValues.Long(rs["spec"]?["replicas"]) ?? 0);

    private static int Available(JsonObject rs) => (int)(JsonValues.Long(rs["status"]?["availableReplicas"]) ?? 0);

    private static int Sum(IEnumerable<JsonObject> sets) => sets.Sum(Replicas);

    private static long Revision(JsonObject rs) =>
        long.TryParse(JsonValues.String(Metadata.Annotations(rs)?[RevisionAnnotation]), NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : 0;
}
