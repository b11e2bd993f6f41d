using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Controllers;
using ZkSync.LocalCluster.Controllers.Volumes;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Scheduling;

/// <summary>
/// The <c>default-scheduler</c>: places each pending pod that names it (highest priority, then oldest first) on a
/// node that passes the default filters, in the real order, each node failing at its first failing filter:
/// NodeUnschedulable, TaintToleration (NoSchedule and NoExecute), NodeAffinity (<c>nodeSelector</c> and required
/// node affinity, <c>matchFields metadata.name</c> included), NodePorts, NodeResourcesFit (requests against the
/// node's allocatable), VolumeRestrictions (ReadWriteOncePod), VolumeBinding (claims that exist and are bound, or bind
/// for the chosen node; volumes' node affinity), InterPodAffinity (required pod affinity and anti-affinity, the pod's
/// own and existing pods': <see cref="InterPodAffinity"/>). Among the nodes left it takes the one with the fewest pods
/// matching the pod's topology spread selectors, then the fewest pods, then the first by name. A pod it cannot place
/// stays Pending with <c>PodScheduled=False</c> (<c>Unschedulable</c>) and a <c>FailedScheduling</c> event, both worded
/// as the real scheduler words them, and is retried when nodes, pods (their labels too), namespaces or volumes change
/// (after its back-off: 1 s doubling to 10 s) and at least every minute. Not modelled: preemption, preferred inter-pod
/// (anti-)affinity, pod topology spread as a filter, scheduling gates, extenders and profiles other than the default.
/// </summary>
public sealed partial class Scheduler : KeyedController
{
    public const string Name = "default-scheduler";
    private const string QueueKey = "pending";
    private static readonly EventSource Source = new(Name);
    private static readonly TimeSpan InitialBackOff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Flush = TimeSpan.FromMinutes(1);
    private readonly ResourceService _resources;
    private readonly ClusterTypes _types;
    private readonly VolumeBinder _binder;
    private readonly EventRecorder _events;
    private readonly Dictionary<string, (DateTimeOffset Next, TimeSpan BackOff)> _backOff = new(StringComparer.Ordinal);

    public Scheduler(ResourceService resources, ClusterTypes types, VolumeBinder binder, EventRecorder events, TimeProvider time, ILogger<Scheduler> logger)
        : base(resources.Store, time, logger)
    {
        _resources = resources;
        _types = types;
        _binder = binder;
        _events = events;
    }

    protected override IEnumerable<string> KeysFor(StoreEvent change)
    {
        if (change.StorageKey == _types.Pods.StorageKey)
        {
            var before = change.Previous;
            var relevant = change.Type != WatchEventType.Modified || before is null ||
                           PodFacts.NodeName(change.Object) is null ||
                           PodFacts.IsTerminal(change.Object) != PodFacts.IsTerminal(before) ||
                           Metadata.IsDeleting(change.Object) != Metadata.IsDeleting(before) ||
                           !JsonNode.DeepEquals(Metadata.Labels(change.Object), Metadata.Labels(before)) ||
                           PodFacts.NodeName(change.Object) != PodFacts.NodeName(before);
            if (relevant)
            {
                yield return QueueKey;
            }
        }
        else if (change.StorageKey == _types.Nodes.StorageKey || change.StorageKey == _types.Namespaces.StorageKey ||
                 change.StorageKey == _types.PersistentVolumeClaims.StorageKey ||
                 change.StorageKey == _types.PersistentVolumes.StorageKey || change.StorageKey == _types.StorageClasses.StorageKey)
        {
            yield return QueueKey;
        }
    }

    protected override Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var nodes = _resources.Store.List(_types.Nodes.StorageKey, null, n => !Metadata.IsDeleting(n)).Items
            .Select(n => new NodeInfo(n)).ToDictionary(n => n.Name, StringComparer.Ordinal);
        var pods = _resources.Store.List(_types.Pods.StorageKey, null).Items;
        foreach (var pod in pods.Where(p => !PodFacts.IsTerminal(p)))
        {
            if (PodFacts.NodeName(pod) is { } node && nodes.TryGetValue(node, out var info))
            {
                info.Add(pod);
            }
        }

        var pending = pods
            .Where(p => PodFacts.NodeName(p) is null && !PodFacts.IsTerminal(p) && !Metadata.IsDeleting(p) &&
                        (JsonValues.String(p["spec"]?["schedulerName"]) ?? Name) == Name)
            .OrderByDescending(p => JsonValues.Long(p["spec"]?["priority"]) ?? 0)
            .ThenBy(p => Metadata.ParseTimestamp(p["metadata"]?["creationTimestamp"]) ?? DateTimeOffset.MinValue)
            .ToList();
        foreach (var gone in _backOff.Keys.Except(pending.Select(p => Metadata.Uid(p) ?? "")).ToList())
        {
            _backOff.Remove(gone);
        }

        TimeSpan? again = null;
        foreach (var pod in pending)
        {
            var uid = Metadata.Uid(pod) ?? "";
            if (_backOff.TryGetValue(uid, out var backOff) && backOff.Next > now)
            {
                again = Min(again, backOff.Next - now);
                continue;
            }

            if (TrySchedule(pod, nodes, pods))
            {
                _backOff.Remove(uid);
                continue;
            }

            var delay = backOff.BackOff == TimeSpan.Zero ? InitialBackOff : TimeSpan.FromTicks(Math.Min(backOff.BackOff.Ticks * 2, MaxBackOff.Ticks));
            _backOff[uid] = (now + delay, delay);
            again = Min(again, Flush);
        }

        return Task.FromResult(again);
    }

    private static TimeSpan Min(TimeSpan? a, TimeSpan b) => a is { } value && value < b ? value : b;

    private bool TrySchedule(JsonObject pod, Dictionary<string, NodeInfo> nodes, IReadOnlyList<JsonObject> allPods)
    {
        if (nodes.Count == 0)
        {
            Unschedulable(pod, FitMessage.NoNodes);
            return false;
        }

        var volumes = PodVolumes.Resolve(pod, _resources, _types, _binder);
        if (volumes.PreFilterFailure is { } preFilter)
        {
            Unschedulable(pod, FitMessage.Format(nodes.Count, preFilter, []));
            return false;
        }

        var affinity = InterPodAffinity.PreFilter(pod, nodes.Values, NamespaceLabels);
        var failures = new List<NodeFailure>();
        var feasible = new List<NodeInfo>();
        foreach (var node in nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (Filter(pod, node, volumes, affinity, allPods) is { } failure)
            {
                failures.Add(failure);
            }
            else
            {
                feasible.Add(node);
            }
        }

        if (feasible.Count == 0)
        {
            Unschedulable(pod, FitMessage.Format(nodes.Count, null, failures));
            return false;
        }

        var spread = SpreadSelectors(pod);
        var chosen = feasible
            .OrderBy(n => n.Pods.Count(p => Metadata.Namespace(p) == Metadata.Namespace(pod) && spread.Any(s => s.Matches(Metadata.Labels(p)))))
            .ThenBy(n => n.Pods.Count)
            .ThenBy(n => n.Name, StringComparer.Ordinal)
            .First();
        foreach (var claim in volumes.ToBindOnNode)
        {
            _resources.Mutate(_types.PersistentVolumeClaims, Metadata.Namespace(claim), Metadata.Name(claim), c =>
            {
                BuiltInDefaults.Ensure(Metadata.Of(c), "annotations")[StorageConstants.SelectedNodeAnnotation] = chosen.Name;
                return true;
            });
            if (_binder.BindOrProvision(claim, chosen.Node) is null)
            {
                Unschedulable(pod, FitMessage.Format(nodes.Count, null, nodes.Values.Select(_ => NodeFailure.Unresolved(PodVolumes.NoVolumeToBind)).ToList()));
                return false;
            }
        }

        try
        {
            var bound = _resources.Bind(_types.Pods, Metadata.Namespace(pod), Metadata.Name(pod), chosen.Name);
            chosen.Add(bound);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            return true; // gone or bound meanwhile: nothing to report
        }

        _events.Record(pod, Source, EventRecorder.Normal, "Scheduled", $"Successfully assigned {Metadata.Namespace(pod)}/{Metadata.Name(pod)} to {chosen.Name}",
            action: "Binding");
        LogScheduled(Logger, Metadata.Namespace(pod), Metadata.Name(pod), chosen.Name);
        return true;
    }

    /// <summary>The default filters in the real order; the first that fails decides the node's reasons.</summary>
    private static NodeFailure? Filter(JsonObject pod, NodeInfo info, PodVolumes volumes, InterPodAffinity? affinity, IReadOnlyList<JsonObject> allPods)
    {
        var node = info.Node;
        if (JsonValues.Bool(node["spec"]?["unschedulable"]) == true && !Tolerations.Tolerates(pod, "node.kubernetes.io/unschedulable", "NoSchedule"))
        {
            return NodeFailure.Unresolved("node(s) were unschedulable");
        }

        if (Tolerations.FirstUntolerated(pod, node) is { } taint)
        {
            return NodeFailure.Unresolved($"node(s) had untolerated taint {{{JsonValues.String(taint["key"])}: {JsonValues.String(taint["value"])}}}");
        }

        if (!NodeSelectorTerms.MatchPod(pod, node))
        {
            return NodeFailure.Unresolved("node(s) didn't match Pod's node affinity/selector");
        }

        if (NodeInfo.HostPortsOf(pod).Any(info.HostPorts.Contains))
        {
            return NodeFailure.Resolvable("node(s) didn't have free ports for the requested pod ports");
        }

        if (Fit(pod, info) is { Count: > 0 } insufficient)
        {
            return new NodeFailure(insufficient, false);
        }

        if (volumes.UsesClaimHeldByAnotherPod(pod, allPods))
        {
            return NodeFailure.Resolvable(PodVolumes.ReadWriteOncePodConflict);
        }

        return volumes.FilterNode(node) ?? affinity?.Filter(node);
    }

    private JsonObject? NamespaceLabels(string? ns) =>
        ns is null ? null : _resources.Store.Get(_types.Namespaces.StorageKey, null, ns) is { } found ? Metadata.Labels(found) : null;

    private static List<string> Fit(JsonObject pod, NodeInfo info)
    {
        var allocatable = info.Node["status"]?["allocatable"] as JsonObject;
        var reasons = new List<string>();
        if (Quantities.Parse(allocatable?["pods"]) is { } maxPods && info.Pods.Count + 1 > maxPods)
        {
            reasons.Add("Too many pods");
        }

        foreach (var (resource, requested) in PodRequests.Of(pod))
        {
            if (requested <= 0)
            {
                continue;
            }

            var available = Quantities.Parse(allocatable?[resource]) ?? 0;
            if (info.Requested.GetValueOrDefault(resource) + requested > available)
            {
                reasons.Add($"Insufficient {resource}");
            }
        }

        return reasons;
    }

    private static List<LabelSelector> SpreadSelectors(JsonObject pod) =>
        BuiltInDefaults.Objects(pod["spec"]?["topologySpreadConstraints"])
            .Where(c => JsonValues.String(c["topologyKey"]) == "kubernetes.io/hostname" && c["labelSelector"] is JsonObject)
            .Select(c => LabelSelector.FromObject((JsonObject)c["labelSelector"]!))
            .ToList();

    private void Unschedulable(JsonObject pod, string message)
    {
        var ns = Metadata.Namespace(pod);
        var name = Metadata.Name(pod);
        _resources.Mutate(_types.Pods, ns, name, current =>
        {
            if (PodFacts.NodeName(current) is not null)
            {
                return false;
            }

            var existing = PodFacts.Condition(current, "PodScheduled");
            if (existing is not null && JsonValues.String(existing["status"]) == "False" &&
                JsonValues.String(existing["reason"]) == "Unschedulable" && JsonValues.String(existing["message"]) == message)
            {
                return false;
            }

            var status = BuiltInDefaults.Ensure(current, "status");
            var conditions = status["conditions"] as JsonArray ?? [];
            status["conditions"] = conditions;
            var transition = existing is not null && JsonValues.String(existing["status"]) == "False"
                ? existing["lastTransitionTime"]?.DeepClone()
                : Metadata.Timestamp(Time.GetUtcNow());
            if (existing is not null)
            {
                conditions.Remove(existing);
            }

            conditions.Add(new JsonObject
            {
                ["type"] = "PodScheduled",
                ["status"] = "False",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = transition,
                ["reason"] = "Unschedulable",
                ["message"] = message,
            });
            return true;
        }, "status");
        _events.Record(pod, Source, EventRecorder.Warning, "FailedScheduling", message, action: "Scheduling");
        LogUnschedulable(Logger, ns, name, message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled pod {Namespace}/{Pod} on {Node}")]
    private static partial void LogScheduled(ILogger logger, string? @namespace, string pod, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod} is unschedulable: {Message}")]
    private static partial void LogUnschedulable(ILogger logger, string? @namespace, string pod, string message);
}
