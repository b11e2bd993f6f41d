using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Scheduling;

/// <summary>
/// The InterPodAffinity filter of kube-scheduler (plugins/interpodaffinity), for required terms. A term selects the
/// pods its <c>labelSelector</c> matches (none when it is missing) in <c>namespaces</c> or in the namespaces
/// <c>namespaceSelector</c> matches (<c>{}</c>: every namespace), in the pod's own namespace when it gives neither;
/// <c>topologyKey</c> names the node label whose value makes the domain. Counted once per pod, from the pods on
/// nodes that have not ended (those bound earlier in the same cycle included): a node passes the pod's affinity when
/// it has every term's topology label and, for every term, some pod that matches all the terms runs in its domain,
/// or, when no such pod runs anywhere and the pod matches all its own terms (the first of a group with affinity to
/// itself), whatever pods run there; it fails the pod's anti-affinity when a pod matching one of those terms runs in
/// the term's domain; and it fails existing pods' anti-affinity when a pod there has a term that matches this pod and
/// the node shares that term's domain. Reasons as the plugin words them; an affinity failure is one preemption cannot
/// resolve. Not modelled: preferred terms (scoring), <c>matchLabelKeys</c>/<c>mismatchLabelKeys</c> (the real API
/// server merges them into the selector when a pod is created; this one does not).
/// </summary>
internal sealed class InterPodAffinity
{
    public const string AffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
    public const string AntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
    public const string ExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";

    private readonly JsonObject _pod;
    private readonly JsonObject? _podNamespaceLabels;
    private readonly IReadOnlyList<Term> _affinity;
    private readonly IReadOnlyList<Term> _antiAffinity;
    private readonly Dictionary<(string Key, string Value), int> _affinityCounts = [];
    private readonly Dictionary<(string Key, string Value), int> _antiAffinityCounts = [];
    private readonly Dictionary<(string Key, string Value), int> _existingAntiAffinityCounts = [];

    private InterPodAffinity(JsonObject pod, JsonObject? podNamespaceLabels)
    {
        _pod = pod;
        _podNamespaceLabels = podNamespaceLabels;
        _affinity = Terms(pod, pod["spec"]?["affinity"]?["podAffinity"]);
        _antiAffinity = Terms(pod, pod["spec"]?["affinity"]?["podAntiAffinity"]);
    }

    /// <summary>The counts for <paramref name="pod"/> (the plugin's pre-filter), or null when nothing can fail it.</summary>
    /// <param name="namespaceLabels">A namespace's labels (null when it has none or is gone).</param>
    public static InterPodAffinity? PreFilter(JsonObject pod, IEnumerable<NodeInfo> nodes, Func<string?, JsonObject?> namespaceLabels)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(namespaceLabels);
        var podNamespaceLabels = namespaceLabels(Metadata.Namespace(pod));
        var result = new InterPodAffinity(pod, podNamespaceLabels);
        foreach (var node in nodes)
        {
            foreach (var existing in node.Pods)
            {
                var existingNamespaceLabels = namespaceLabels(Metadata.Namespace(existing));
                foreach (var term in Terms(existing, existing["spec"]?["affinity"]?["podAntiAffinity"]).Where(t => t.Matches(pod, podNamespaceLabels)))
                {
                    Count(result._existingAntiAffinityCounts, node.Node, term.TopologyKey);
                }

                if (result._affinity.Count > 0 && result._affinity.All(t => t.Matches(existing, existingNamespaceLabels)))
                {
                    foreach (var term in result._affinity)
                    {
                        Count(result._affinityCounts, node.Node, term.TopologyKey);
                    }
                }

                foreach (var term in result._antiAffinity.Where(t => t.Matches(existing, existingNamespaceLabels)))
                {
                    Count(result._antiAffinityCounts, node.Node, term.TopologyKey);
                }
            }
        }

        var skip = result._existingAntiAffinityCounts.Count == 0 && result._affinity.Count == 0 && result._antiAffinity.Count == 0;
        return skip ? null : result;
    }

    /// <summary>Why the node cannot take the pod, or null.</summary>
    public NodeFailure? Filter(JsonObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var labels = Metadata.Labels(node);
        if (!SatisfiesAffinity(labels))
        {
            return NodeFailure.Unresolved(AffinityRulesNotMatch);
        }

        if (_antiAffinityCounts.Count > 0 &&
            _antiAffinity.Any(t => Label(labels, t.TopologyKey) is { } value && _antiAffinityCounts.GetValueOrDefault((t.TopologyKey, value)) > 0))
        {
            return NodeFailure.Resolvable(AntiAffinityRulesNotMatch);
        }

        if (_existingAntiAffinityCounts.Count > 0 && labels is not null &&
            labels.Any(l => _existingAntiAffinityCounts.GetValueOrDefault((l.Key, JsonValues.Display(l.Value))) > 0))
        {
            return NodeFailure.Resolvable(ExistingAntiAffinityRulesNotMatch);
        }

        return null;
    }

    private bool SatisfiesAffinity(JsonObject? labels)
    {
        var podsExist = true;
        foreach (var term in _affinity)
        {
            if (Label(labels, term.TopologyKey) is not { } value)
            {
                return false; // every term's topology label must be on the node
            }

            if (_affinityCounts.GetValueOrDefault((term.TopologyKey, value)) <= 0)
            {
                podsExist = false;
            }
        }

        // The first pod of a group with affinity to itself: no pod anywhere matches, but it matches its own terms.
        return podsExist || (_affinityCounts.Count == 0 && _affinity.All(t => t.Matches(_pod, _podNamespaceLabels)));
    }

    private static void Count(Dictionary<(string Key, string Value), int> counts, JsonObject node, string topologyKey)
    {
        if (Label(Metadata.Labels(node), topologyKey) is { } value)
        {
            counts[(topologyKey, value)] = counts.GetValueOrDefault((topologyKey, value)) + 1;
        }
    }

    private static string? Label(JsonObject? labels, string key) =>
        labels is not null && labels.TryGetPropertyValue(key, out var value) ? JsonValues.Display(value) : null;

    private static List<Term> Terms(JsonObject pod, JsonNode? affinity) =>
        [.. BuiltInDefaults.Objects(affinity?["requiredDuringSchedulingIgnoredDuringExecution"]).Select(t => Term.Of(pod, t))];

    /// <summary>One term as the scheduler reads it for its pod (framework.AffinityTerm).</summary>
    private sealed record Term(IReadOnlySet<string> Namespaces, LabelSelector? NamespaceSelector, LabelSelector? Selector, string TopologyKey)
    {
        public static Term Of(JsonObject pod, JsonObject term)
        {
            var namespaces = (term["namespaces"] as JsonArray)?.Select(n => JsonValues.String(n) ?? "").ToHashSet(StringComparer.Ordinal) ?? [];
            var namespaceSelector = term["namespaceSelector"] as JsonObject;
            if (namespaces.Count == 0 && namespaceSelector is null)
            {
                namespaces.Add(Metadata.Namespace(pod) ?? "");
            }

            return new Term(
                namespaces,
                namespaceSelector is null ? null : LabelSelector.FromObject(namespaceSelector),
                term["labelSelector"] is JsonObject selector ? LabelSelector.FromObject(selector) : null, // none selects nothing
                JsonValues.String(term["topologyKey"]) ?? "");
        }

        /// <param name="namespaceLabels">The labels of <paramref name="pod"/>'s namespace.</param>
        public bool Matches(JsonObject pod, JsonObject? namespaceLabels) =>
            (Namespaces.Contains(Metadata.Namespace(pod) ?? "") || NamespaceSelector?.Matches(namespaceLabels) == true) &&
            Selector?.Matches(Metadata.Labels(pod)) == true;
    }
}
