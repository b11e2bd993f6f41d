using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers.Workloads;

/// <summary>
/// The Job controller, after pkg/controller/job of Kubernetes 1.32: pods from the template up to
/// <c>parallelism</c> and the remaining <c>completions</c> (with <c>completionMode: Indexed</c>, one per pending
/// index: the index annotation and label, hostname <c>JOB-INDEX</c>, <c>JOB_COMPLETION_INDEX</c> from the downward
/// API), each with the <c>batch.kubernetes.io/job-tracking</c> finalizer so that every finished pod is counted once
/// (through <c>status.uncountedTerminatedPods</c>) before it may go; failed pods replaced after the exponential
/// back-off; <c>podFailurePolicy</c> (FailJob, Ignore, Count on exit codes and pod conditions); <c>backoffLimit</c>
/// (failed pods, and container restarts under OnFailure); <c>activeDeadlineSeconds</c>; <c>suspend</c> (active pods
/// deleted, Suspended condition, start time reset on resume); <c>podReplacementPolicy</c>. A Job that failed or met
/// its completions first gets FailureTarget or SuccessCriteriaMet, its remaining pods are deleted, and Failed or
/// Complete follows once none is terminating; the status counts (active, ready, terminating, succeeded, failed,
/// completedIndexes) and the events are the real controller's. Not modelled: <c>backoffLimitPerIndex</c>,
/// <c>successPolicy</c>, <c>managedBy</c>, adoption of orphan pods.
/// </summary>
public sealed partial class JobController : KeyedController
{
    public const string TrackingFinalizer = "batch.kubernetes.io/job-tracking";
    public const string CompletionIndexKey = "batch.kubernetes.io/job-completion-index";
    private const string OrphanPrefix = "orphan:";
    private static readonly EventSource Source = new("job-controller");
    private readonly ResourceService _resources;
    private readonly ClusterTypes _types;
    private readonly EventRecorder _events;
    private readonly JobControllerOptions _options;
    private readonly Dictionary<string, (int Failures, DateTimeOffset LastFailure)> _backOff = new(StringComparer.Ordinal);

    public JobController(
        ResourceService resources, ClusterTypes types, EventRecorder events, JobControllerOptions options, TimeProvider time, ILogger<JobController> logger)
        : base(resources.Store, time, logger)
    {
        _resources = resources;
        _types = types;
        _events = events;
        _options = options;
    }

    protected override IEnumerable<string> KeysFor(StoreEvent change)
    {
        if (change.StorageKey == _types.Jobs.StorageKey)
        {
            yield return Owners.Key(change.Object);
            if (change.Type == WatchEventType.Deleted)
            {
                var uid = Metadata.Uid(change.Object);
                foreach (var pod in _resources.Store.List(_types.Pods.StorageKey, Metadata.Namespace(change.Object),
                             p => Owners.ControllerUid(p) == uid && Metadata.Finalizers(p).Contains(TrackingFinalizer)).Items)
                {
                    yield return OrphanPrefix + Owners.Key(pod);
                }
            }
        }
        else if (change.StorageKey == _types.Pods.StorageKey)
        {
            if (Owners.ControllerOf(change.Object, "Job") is { } owner)
            {
                yield return $"{Metadata.Namespace(change.Object)}/{owner.Name}";
            }
            else if (change.Type != WatchEventType.Deleted && Metadata.Finalizers(change.Object).Contains(TrackingFinalizer))
            {
                yield return OrphanPrefix + Owners.Key(change.Object);
            }
        }
    }

    protected override Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (key.StartsWith(OrphanPrefix, StringComparison.Ordinal))
        {
            SyncOrphan(key[OrphanPrefix.Length..]);
            return Task.FromResult<TimeSpan?>(null);
        }

        var (ns, name) = Owners.SplitKey(key);
        var job = _resources.Store.Get(_types.Jobs.StorageKey, ns, name);
        if (job is null)
        {
            return Task.FromResult<TimeSpan?>(null);
        }

        var uid = Metadata.Uid(job)!;
        var pods = _resources.Store.List(_types.Pods.StorageKey, ns, p => Owners.ControllerUid(p) == uid).Items;
        if (IsFinished(job))
        {
            _backOff.Remove(uid);
            foreach (var pod in pods.Where(p => Metadata.Finalizers(p).Contains(TrackingFinalizer)))
            {
                RemoveFinalizer(pod);
            }

            return Task.FromResult<TimeSpan?>(null);
        }

        return Task.FromResult(Sync(job, pods));
    }

    public static bool IsFinished(JsonObject job) =>
        BuiltInDefaults.Objects(job["status"]?["conditions"])
            .Any(c => JsonValues.String(c["type"]) is "Complete" or "Failed" && JsonValues.String(c["status"]) == "True");

    private TimeSpan? Sync(JsonObject job, IReadOnlyList<JsonObject> pods)
    {
        var now = Time.GetUtcNow();
        var uid = Metadata.Uid(job)!;
        var spec = (JsonObject)job["spec"]!;
        var status = job["status"]?.DeepClone() as JsonObject ?? [];
        var indexed = JsonValues.String(spec["completionMode"]) == "Indexed";
        var completions = JsonValues.Long(spec["completions"]) is { } c ? (int?)c : null;
        var parallelism = (int)(JsonValues.Long(spec["parallelism"]) ?? 1);
        var backoffLimit = JsonValues.Long(spec["backoffLimit"]) ?? 6;
        var suspended = JsonValues.Bool(spec["suspend"]) == true;
        var policy = spec["podFailurePolicy"] as JsonObject;
        var onlyReplaceFailed = policy is not null || JsonValues.String(spec["podReplacementPolicy"]) == "Failed";
        var uncounted = status["uncountedTerminatedPods"] as JsonObject ?? [];
        var uncountedSucceeded = Uids(uncounted["succeeded"]);
        var uncountedFailed = Uids(uncounted["failed"]);
        TimeSpan? again = null;

        bool ValidIndex(JsonObject pod) => !indexed || (Index(pod) is { } i && i < completions);
        bool IsFailed(JsonObject pod) =>
            PodFacts.Phase(pod) == "Failed" || (!onlyReplaceFailed && Metadata.IsDeleting(pod) && PodFacts.Phase(pod) != "Succeeded");
        var tracked = pods.Where(p => Metadata.Finalizers(p).Contains(TrackingFinalizer)).ToList();
        var active = pods.Where(PodFacts.IsActive).ToList();
        var terminating = pods.Count(p => Metadata.IsDeleting(p) && !PodFacts.IsTerminal(p));
        var newSucceeded = tracked.Where(p => !uncountedSucceeded.Contains(Metadata.Uid(p)!) && ValidIndex(p) && PodFacts.Phase(p) == "Succeeded").ToList();
        var newFailed = tracked.Where(p => !uncountedFailed.Contains(Metadata.Uid(p)!) && ValidIndex(p) && IsFailed(p)).ToList();
        var previousIndexes = indexed ? CompletionIndexes.Parse(JsonValues.String(status["completedIndexes"]), completions ?? 0) : [];
        var succeededIndexes = new SortedSet<int>(previousIndexes);
        if (indexed)
        {
            foreach (var pod in pods.Where(p => PodFacts.Phase(p) == "Succeeded" && ValidIndex(p)))
            {
                succeededIndexes.Add(Index(pod)!.Value);
            }
        }

        var succeeded = indexed
            ? succeededIndexes.Count
            : (int)(JsonValues.Long(status["succeeded"]) ?? 0) + newSucceeded.Count + uncountedSucceeded.Count;
        var failed = (JsonValues.Long(status["failed"]) ?? 0) + newFailed.Count(p => PodFailurePolicy.Match(policy, p).Counts) + uncountedFailed.Count;
        if (status["startTime"] is null && !suspended)
        {
            status["startTime"] = Metadata.Timestamp(now);
        }

        RecordBackOff(uid, newSucceeded, newFailed, now);

        // What finishes the Job, if anything does now.
        (string Type, string Reason, string Message)? finished = null;
        if (Condition(status, "SuccessCriteriaMet") is { } met && JsonValues.String(met["status"]) == "True")
        {
            finished = ("SuccessCriteriaMet", JsonValues.String(met["reason"]) ?? "", JsonValues.String(met["message"]) ?? "");
        }
        else if (Condition(status, "FailureTarget") is { } target && JsonValues.String(target["status"]) == "True")
        {
            finished = ("FailureTarget", JsonValues.String(target["reason"]) ?? "", JsonValues.String(target["message"]) ?? "");
        }
        else if (pods.Where(IsFailed).Select(p => PodFailurePolicy.Match(policy, p).FailJobMessage).FirstOrDefault(m => m is not null) is { } failJob)
        {
            finished = ("FailureTarget", "PodFailurePolicy", failJob);
        }
        else if (failed > backoffLimit || PastBackoffLimitOnFailure(spec, pods, backoffLimit))
        {
            finished = ("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        }
        else if (JsonValues.Long(spec["activeDeadlineSeconds"]) is { } deadline && !suspended &&
                 Metadata.ParseTimestamp(status["startTime"]) is { } start)
        {
            var remaining = start.AddSeconds(deadline) - now;
            if (remaining <= TimeSpan.Zero)
            {
                finished = ("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline");
            }
            else
            {
                again = Min(again, remaining);
            }
        }

        if (finished is not null && finished.Value.Type == "FailureTarget")
        {
            foreach (var pod in active)
            {
                if (Delete(job, pod, removeFinalizer: false))
                {
                    terminating++;
                }
            }

            active.Clear();
        }
        else if (finished is null)
        {
            again = Min(again, Manage(job, spec, pods, active, succeededIndexes, succeeded, completions, parallelism, suspended, onlyReplaceFailed, ref terminating, now));
            var complete = completions is null ? succeeded > 0 && active.Count == 0 : succeeded >= completions && active.Count == 0;
            if (complete)
            {
                finished = ("SuccessCriteriaMet", "", "");
            }
            else if (suspended)
            {
                if (EnsureCondition(status, "Suspended", "True", "JobSuspended", "Job suspended", now))
                {
                    _events.Record(job, Source, EventRecorder.Normal, "Suspended", "Job suspended");
                }
            }
            else
            {
                if (EnsureCondition(status, "Suspended", "False", "JobResumed", "Job resumed", now))
                {
                    _events.Record(job, Source, EventRecorder.Normal, "Resumed", "Job resumed");
                    status["startTime"] = Metadata.Timestamp(now);
                }
            }
        }

        // Count finished pods through uncountedTerminatedPods, then let their finalizers go.
        var release = new List<JsonObject>();
        var failedByFinish = finished is { Type: "FailureTarget" };
        foreach (var pod in tracked)
        {
            var podUid = Metadata.Uid(pod)!;
            var considerFailed = IsFailed(pod);
            if (!(Metadata.IsDeleting(job) || finished is not null || PodFacts.Phase(pod) == "Succeeded" || considerFailed))
            {
                continue;
            }

            release.Add(pod);
            if (PodFacts.Phase(pod) == "Succeeded" && !uncountedFailed.Contains(podUid))
            {
                if (!indexed && !uncountedSucceeded.Contains(podUid))
                {
                    uncountedSucceeded.Add(podUid);
                }
            }
            else if ((considerFailed || failedByFinish) && !uncountedFailed.Contains(podUid) && ValidIndex(pod) &&
                     PodFailurePolicy.Match(policy, pod).Counts)
            {
                uncountedFailed.Add(podUid);
            }
        }

        status["active"] = active.Count;
        status["ready"] = active.Count(PodFacts.IsReady);
        status["terminating"] = terminating;
        if (indexed)
        {
            status["completedIndexes"] = CompletionIndexes.Format(succeededIndexes);
            status["succeeded"] = succeededIndexes.Count;
        }

        status["uncountedTerminatedPods"] = UncountedJson(uncountedSucceeded, uncountedFailed);
        if (finished is { } interim && Condition(status, interim.Type) is null)
        {
            Conditions(status).Add(NewCondition(interim.Type, "True", interim.Reason, interim.Message, now));
        }

        WriteStatus(job, status);
        foreach (var pod in release)
        {
            RemoveFinalizer(pod);
        }

        // Finalizers gone: the uncounted pods are counted.
        var stillTracked = _resources.Store.List(_types.Pods.StorageKey, Metadata.Namespace(job),
            p => Owners.ControllerUid(p) == uid && Metadata.Finalizers(p).Contains(TrackingFinalizer)).Items.Select(p => Metadata.Uid(p)!).ToHashSet();
        var countedSucceeded = uncountedSucceeded.Where(u => !stillTracked.Contains(u)).ToList();
        var countedFailed = uncountedFailed.Where(u => !stillTracked.Contains(u)).ToList();
        if (!indexed)
        {
            status["succeeded"] = (JsonValues.Long(status["succeeded"]) ?? 0) + countedSucceeded.Count;
        }

        status["failed"] = (JsonValues.Long(status["failed"]) ?? 0) + countedFailed.Count;
        uncountedSucceeded.ExceptWith(countedSucceeded);
        uncountedFailed.ExceptWith(countedFailed);
        status["uncountedTerminatedPods"] = UncountedJson(uncountedSucceeded, uncountedFailed);
        if (finished is { } final && uncountedSucceeded.Count == 0 && uncountedFailed.Count == 0 && terminating == 0)
        {
            var type = final.Type == "SuccessCriteriaMet" ? "Complete" : "Failed";
            EnsureCondition(status, type, "True", final.Reason, final.Message, now);
            if (type == "Complete")
            {
                status["completionTime"] = Metadata.Timestamp(now);
                if (completions is { } wanted && succeeded > wanted)
                {
                    _events.Record(job, Source, EventRecorder.Warning, "TooManySucceededPods", "Too many succeeded pods running after completion count reached");
                }

                _events.Record(job, Source, EventRecorder.Normal, "Completed", "Job completed");
            }
            else
            {
                _events.Record(job, Source, EventRecorder.Warning, final.Reason, final.Message);
            }

            LogFinished(Logger, Metadata.Namespace(job), Metadata.Name(job), type, final.Reason);
        }

        WriteStatus(job, status);
        return again;
    }

    /// <summary>manageJob: suspend deletes the active pods; otherwise surplus pods go and missing ones are created
    /// (after the failure back-off). Returns when to look again for the back-off.</summary>
    private TimeSpan? Manage(
        JsonObject job, JsonObject spec, IReadOnlyList<JsonObject> pods, List<JsonObject> active, SortedSet<int> succeededIndexes, int succeeded,
        int? completions, int parallelism, bool suspended, bool onlyReplaceFailed, ref int terminating, DateTimeOffset now)
    {
        if (Metadata.IsDeleting(job))
        {
            return null;
        }

        if (suspended)
        {
            foreach (var pod in active.ToList())
            {
                if (Delete(job, pod, removeFinalizer: true))
                {
                    active.Remove(pod);
                    terminating++;
                }
            }

            return null;
        }

        var indexed = JsonValues.String(spec["completionMode"]) == "Indexed";
        var wantActive = completions is null
            ? succeeded > 0 ? active.Count : parallelism
            : Math.Max(0, Math.Min(completions.Value - succeeded, parallelism));
        var remove = new List<JsonObject>();
        if (indexed)
        {
            // Pods of an index out of range, succeeded already, or held by another active pod go first.
            var seen = new HashSet<int>();
            foreach (var pod in active.OrderByDescending(PodFacts.IsReady))
            {
                if (Index(pod) is not { } index || index >= completions || succeededIndexes.Contains(index) || !seen.Add(index))
                {
                    remove.Add(pod);
                }
            }
        }

        var rmAtLeast = active.Count - wantActive;
        if (remove.Count < rmAtLeast)
        {
            remove.AddRange(PodFacts.InDeletionOrder(active.Except(remove)).Take(rmAtLeast - remove.Count));
        }

        if (remove.Count > 0)
        {
            foreach (var pod in remove)
            {
                if (Delete(job, pod, removeFinalizer: true))
                {
                    active.Remove(pod);
                    terminating++;
                }
            }

            return null;
        }

        var diff = wantActive - (onlyReplaceFailed ? terminating : 0) - active.Count;
        if (diff <= 0)
        {
            return null;
        }

        var remaining = BackOffRemaining(Metadata.Uid(job)!, now);
        if (remaining > TimeSpan.Zero)
        {
            return remaining;
        }

        var indexes = new List<int?>();
        if (indexed)
        {
            var taken = new HashSet<int>(succeededIndexes);
            foreach (var pod in active.Concat(onlyReplaceFailed ? pods.Where(p => Metadata.IsDeleting(p) && !PodFacts.IsTerminal(p)) : []))
            {
                if (Index(pod) is { } index)
                {
                    taken.Add(index);
                }
            }

            indexes.AddRange(Enumerable.Range(0, completions ?? 0).Where(i => !taken.Contains(i)).Take(diff).Select(i => (int?)i));
        }
        else
        {
            indexes.AddRange(Enumerable.Repeat<int?>(null, diff));
        }

        foreach (var index in indexes)
        {
            if (Create(job, spec, index) is { } created)
            {
                active.Add(created);
            }
        }

        return null;
    }

    private JsonObject? Create(JsonObject job, JsonObject spec, int? index)
    {
        var template = spec["template"]?.DeepClone() as JsonObject ?? [];
        var metadata = template["metadata"] as JsonObject ?? [];
        var podSpec = template["spec"] as JsonObject ?? [];
        template.Remove("spec");
        var name = Metadata.Name(job);
        var podMetadata = new JsonObject
        {
            ["generateName"] = index is { } i ? GenerateName($"{name}-{i.ToString(CultureInfo.InvariantCulture)}-") : GenerateName(name + "-"),
            ["labels"] = metadata["labels"]?.DeepClone() ?? new JsonObject(),
            ["finalizers"] = new JsonArray(TrackingFinalizer),
            ["ownerReferences"] = new JsonArray(Owners.ControllerReference(job)),
        };
        if (metadata["annotations"] is JsonObject annotations)
        {
            podMetadata["annotations"] = annotations.DeepClone();
        }

        if (index is { } completionIndex)
        {
            var text = completionIndex.ToString(CultureInfo.InvariantCulture);
            BuiltInDefaults.Ensure(podMetadata, "annotations")[CompletionIndexKey] = text;
            ((JsonObject)podMetadata["labels"]!)[CompletionIndexKey] = text;
            podSpec["hostname"] = $"{name}-{text}";
            foreach (var container in BuiltInDefaults.Objects(podSpec["containers"]).Concat(BuiltInDefaults.Objects(podSpec["initContainers"])))
            {
                var env = container["env"] as JsonArray ?? [];
                container["env"] = env;
                if (!env.OfType<JsonObject>().Any(e => JsonValues.String(e["name"]) == "JOB_COMPLETION_INDEX"))
                {
                    env.Add(new JsonObject
                    {
                        ["name"] = "JOB_COMPLETION_INDEX",
                        ["valueFrom"] = new JsonObject
                        {
                            ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = $"metadata.labels['{CompletionIndexKey}']" },
                        },
                    });
                }
            }
        }

        try
        {
            var created = _resources.Create(_types.Pods, Metadata.Namespace(job), new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = podMetadata,
                ["spec"] = podSpec,
            }, new WriteOptions());
            _events.Record(job, Source, EventRecorder.Normal, "SuccessfulCreate", $"Created pod: {Metadata.Name(created)}");
            return created;
        }
        catch (ApiException e)
        {
            if (e.Reason != "Forbidden" || !e.Message.Contains("being terminated", StringComparison.Ordinal))
            {
                _events.Record(job, Source, EventRecorder.Warning, "FailedCreate", $"Error creating: {e.Message}");
            }

            return null;
        }
    }

    /// <summary>Deletes a pod of the Job (first releasing its finalizer when it is not to be counted); whether it was.</summary>
    private bool Delete(JsonObject job, JsonObject pod, bool removeFinalizer)
    {
        if (removeFinalizer)
        {
            RemoveFinalizer(pod);
        }

        try
        {
            _resources.Delete(_types.Pods, Metadata.Namespace(pod), Metadata.Name(pod), new DeleteOptions());
            _events.Record(job, Source, EventRecorder.Normal, "SuccessfulDelete", $"Deleted pod: {Metadata.Name(pod)}");
            return true;
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return true;
        }
    }

    private void RemoveFinalizer(JsonObject pod) =>
        _resources.Mutate(_types.Pods, Metadata.Namespace(pod), Metadata.Name(pod), current =>
        {
            var finalizers = Metadata.Finalizers(current);
            if (!finalizers.Contains(TrackingFinalizer) || Metadata.Uid(current) != Metadata.Uid(pod))
            {
                return false;
            }

            Metadata.SetFinalizers(current, finalizers.Where(f => f != TrackingFinalizer).ToList());
            return true;
        });

    /// <summary>A pod with the tracking finalizer whose Job is gone or finished: the finalizer goes (syncOrphanPod).</summary>
    private void SyncOrphan(string podKey)
    {
        var (ns, name) = Owners.SplitKey(podKey);
        var pod = _resources.Store.Get(_types.Pods.StorageKey, ns, name);
        if (pod is null || !Metadata.Finalizers(pod).Contains(TrackingFinalizer))
        {
            return;
        }

        if (Owners.ControllerOf(pod, "Job") is { } owner &&
            _resources.Store.Get(_types.Jobs.StorageKey, ns, owner.Name) is { } job && Metadata.Uid(job) == owner.Uid && !IsFinished(job))
        {
            return;
        }

        RemoveFinalizer(pod);
    }

    private void WriteStatus(JsonObject job, JsonObject status)
    {
        var clean = (JsonObject)status.DeepClone();
        foreach (var counter in new[] { "active", "succeeded", "failed" })
        {
            if (JsonValues.Long(clean[counter]) == 0)
            {
                clean.Remove(counter); // omitempty, as the API writes JobStatus
            }
        }

        if (JsonValues.String(clean["completedIndexes"]) == "")
        {
            clean.Remove("completedIndexes");
        }

        _resources.Mutate(_types.Jobs, Metadata.Namespace(job), Metadata.Name(job), current =>
        {
            if (Metadata.Uid(current) != Metadata.Uid(job) || JsonNode.DeepEquals(current["status"], clean))
            {
                return false;
            }

            current["status"] = clean.DeepClone();
            return true;
        }, "status");
    }

    private void RecordBackOff(string uid, List<JsonObject> newSucceeded, List<JsonObject> newFailed, DateTimeOffset now)
    {
        var record = _backOff.GetValueOrDefault(uid);
        var lastSuccess = newSucceeded.Select(p => FinishTime(p, now)).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        foreach (var failedAt in newFailed.Select(p => FinishTime(p, now)).Order())
        {
            record = failedAt >= lastSuccess ? (record.Failures + 1, failedAt > record.LastFailure ? failedAt : record.LastFailure) : record;
        }

        if (newSucceeded.Count > 0 && lastSuccess >= record.LastFailure)
        {
            record = (0, record.LastFailure);
        }

        _backOff[uid] = record;
    }

    private TimeSpan BackOffRemaining(string uid, DateTimeOffset now)
    {
        if (!_backOff.TryGetValue(uid, out var record) || record.Failures == 0)
        {
            return TimeSpan.Zero;
        }

        var delay = TimeSpan.FromTicks(Math.Min(_options.MaxPodFailureBackOff.Ticks, _options.PodFailureBackOff.Ticks << Math.Min(record.Failures - 1, 20)));
        return record.LastFailure + delay - now;
    }

    /// <summary>When a pod ended: its last container's finish, else its deletion, else now.</summary>
    private static DateTimeOffset FinishTime(JsonObject pod, DateTimeOffset now) =>
        BuiltInDefaults.Objects(pod["status"]?["containerStatuses"])
            .Select(s => Metadata.ParseTimestamp(s["state"]?["terminated"]?["finishedAt"]))
            .OfType<DateTimeOffset>()
            .DefaultIfEmpty(Metadata.ParseTimestamp(pod["metadata"]?["deletionTimestamp"]) ?? now)
            .Max();

    private static bool PastBackoffLimitOnFailure(JsonObject spec, IReadOnlyList<JsonObject> pods, long backoffLimit)
    {
        if (JsonValues.String(spec["template"]?["spec"]?["restartPolicy"]) != "OnFailure")
        {
            return false;
        }

        var restarts = pods.Where(p => PodFacts.Phase(p) is "Running" or "Pending")
            .Sum(p => BuiltInDefaults.Objects(p["status"]?["containerStatuses"]).Concat(BuiltInDefaults.Objects(p["status"]?["initContainerStatuses"]))
                .Sum(s => JsonValues.Long(s["restartCount"]) ?? 0));
        return backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit;
    }

    private static int? Index(JsonObject pod) =>
        JsonValues.String(Metadata.Annotations(pod)?[CompletionIndexKey]) is { } text &&
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;

    private static string GenerateName(string prefix) => prefix.Length > 58 ? prefix[..58] : prefix;

    private static HashSet<string> Uids(JsonNode? array) =>
        (array as JsonArray)?.Select(JsonValues.String).OfType<string>().ToHashSet(StringComparer.Ordinal) ?? [];

    private static JsonObject UncountedJson(HashSet<string> succeeded, HashSet<string> failed)
    {
        var json = new JsonObject();
        if (succeeded.Count > 0)
        {
            json["succeeded"] = new JsonArray(succeeded.Order(StringComparer.Ordinal).Select(u => (JsonNode?)JsonValue.Create(u)).ToArray());
        }

        if (failed.Count > 0)
        {
            json["failed"] = new JsonArray(failed.Order(StringComparer.Ordinal).Select(u => (JsonNode?)JsonValue.Create(u)).ToArray());
        }

        return json;
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static JsonArray Conditions(JsonObject status)
    {
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        return conditions;
    }

    private static JsonObject? Condition(JsonObject status, string type) =>
        BuiltInDefaults.Objects(status["conditions"]).FirstOrDefault(c => JsonValues.String(c["type"]) == type);

    private static JsonObject NewCondition(string type, string status, string reason, string message, DateTimeOffset now)
    {
        var condition = new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastProbeTime"] = Metadata.Timestamp(now),
            ["lastTransitionTime"] = Metadata.Timestamp(now),
        };
        if (reason.Length > 0)
        {
            condition["reason"] = reason;
        }

        if (message.Length > 0)
        {
            condition["message"] = message;
        }

        return condition;
    }

    /// <summary>ensureJobConditionStatus: replaces a condition whose status, reason or message differ; adds a missing one
    /// unless it would be False. Returns whether anything changed.</summary>
    private static bool EnsureCondition(JsonObject status, string type, string value, string reason, string message, DateTimeOffset now)
    {
        var conditions = Conditions(status);
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => JsonValues.String(c["type"]) == type);
        if (existing is not null)
        {
            if (JsonValues.String(existing["status"]) == value && (JsonValues.String(existing["reason"]) ?? "") == reason &&
                (JsonValues.String(existing["message"]) ?? "") == message)
            {
                return false;
            }

            conditions[conditions.IndexOf(existing)] = NewCondition(type, value, reason, message, now);
            return true;
        }

        if (value == "False")
        {
            return false;
        }

        conditions.Add(NewCondition(type, value, reason, message, now));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Namespace}/{Job} finished: {Condition} ({Reason})")]
    private static partial void LogFinished(ILogger logger, string? @namespace, string job, string condition, string reason);
}
