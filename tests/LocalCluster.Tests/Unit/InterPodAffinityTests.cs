using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Scheduling;

namespace ZkSync.LocalCluster.Tests.Unit;

/// <summary>The InterPodAffinity filter against kube-scheduler's rules (plugins/interpodaffinity/filtering.go).</summary>
public sealed class InterPodAffinityTests
{
    private const string OnTheSameNode = """{"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"group": "g"}}}""";

    private static readonly Dictionary<string, JsonObject> NamespaceLabels = new(StringComparer.Ordinal)
    {
        ["apps"] = new JsonObject { ["team"] = "storage" },
        ["other"] = new JsonObject { ["team"] = "web" },
    };

    /// <summary>Three nodes: node-1 and node-2 in zone a, node-3 in zone b; node-3 has no hostname label when told.</summary>
    private static List<NodeInfo> Nodes(bool node3WithoutHostname = false) =>
    [
        new(Node("node-1", "a")),
        new(Node("node-2", "a")),
        new(Node("node-3", "b", withHostname: !node3WithoutHostname)),
    ];

    private static JsonObject Node(string name, string zone, bool withHostname = true)
    {
        var labels = new JsonObject { ["topology.kubernetes.io/zone"] = zone };
        if (withHostname)
        {
            labels["kubernetes.io/hostname"] = name;
        }

        return new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels } };
    }

    private static JsonObject Pod(string name, string labels = """{"group": "g"}""", string? affinity = null, string? antiAffinity = null, string ns = "apps")
    {
        var spec = new JsonObject();
        if (affinity is not null || antiAffinity is not null)
        {
            var podAffinity = new JsonObject();
            if (affinity is not null)
            {
                podAffinity["podAffinity"] = new JsonObject { ["requiredDuringSchedulingIgnoredDuringExecution"] = JsonNode.Parse($"[{affinity}]") };
            }

            if (antiAffinity is not null)
            {
                podAffinity["podAntiAffinity"] = new JsonObject { ["requiredDuringSchedulingIgnoredDuringExecution"] = JsonNode.Parse($"[{antiAffinity}]") };
            }

            spec["affinity"] = podAffinity;
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = JsonNode.Parse(labels) },
            ["spec"] = spec,
        };
    }

    /// <summary>Each node's failure for the pod, by node name ("" where it fits).</summary>
    private static Dictionary<string, string> Filter(JsonObject pod, List<NodeInfo> nodes)
    {
        var affinity = InterPodAffinity.PreFilter(pod, nodes, ns => ns is not null && NamespaceLabels.TryGetValue(ns, out var labels) ? labels : null);
        return nodes.ToDictionary(n => n.Name, n => affinity?.Filter(n.Node) is { } failure ? string.Join(", ", failure.Reasons) : "");
    }

    private static List<NodeInfo> With(List<NodeInfo> nodes, string node, JsonObject pod)
    {
        nodes.Single(n => n.Name == node).Add(pod);
        return nodes;
    }

    [Fact]
    public void TheFirstPodOfAGroupWithAffinityToItself_FitsEveryNode_AndTheNextOnlyTheNodeOfOneThatRuns()
    {
        Assert.All(Filter(Pod("first", affinity: OnTheSameNode), Nodes()).Values, Assert.Empty);

        var nodes = With(Nodes(), "node-2", Pod("first", affinity: OnTheSameNode));
        var next = Filter(Pod("next", affinity: OnTheSameNode), nodes);

        Assert.Equal("", next["node-2"]);
        Assert.Equal(InterPodAffinity.AffinityRulesNotMatch, next["node-1"]);
        Assert.Equal(InterPodAffinity.AffinityRulesNotMatch, next["node-3"]);
        Assert.True(InterPodAffinity.PreFilter(Pod("next", affinity: OnTheSameNode), nodes, _ => null)!.Filter(nodes[0].Node) is { Unresolvable: true });
    }

    [Fact]
    public void APodThatDoesNotMatchItsOwnTerm_WithNoPodToFollow_FitsNoNode() =>
        Assert.All(Filter(Pod("lonely", labels: """{"group": "other"}""", affinity: OnTheSameNode), Nodes()).Values,
            reason => Assert.Equal(InterPodAffinity.AffinityRulesNotMatch, reason));

    [Fact]
    public void AMatchingPodWithoutTheFollowersAffinity_IsFollowedToo()
    {
        var nodes = With(Nodes(), "node-3", Pod("plain"));

        var result = Filter(Pod("follower", affinity: OnTheSameNode), nodes);

        Assert.Equal(["node-3"], result.Where(r => r.Value.Length == 0).Select(r => r.Key));
    }

    [Fact]
    public void OnePodMustMatchEveryTerm_WhenNoneDoesTheFirstPodRuleApplies()
    {
        const string zoneOfDb = """{"topologyKey": "topology.kubernetes.io/zone", "labelSelector": {"matchLabels": {"app": "db"}}}""";
        var nodes = With(With(Nodes(), "node-1", Pod("group-member")), "node-3", Pod("db", labels: """{"app": "db"}"""));

        // Neither pod matches both terms, so the counts are empty: a pod that matches both its own terms fits anywhere ...
        Assert.All(Filter(Pod("self", labels: """{"group": "g", "app": "db"}""", affinity: OnTheSameNode + "," + zoneOfDb), nodes).Values, Assert.Empty);

        // ... one that does not, nowhere.
        Assert.All(Filter(Pod("stranger", affinity: OnTheSameNode + "," + zoneOfDb), nodes).Values,
            reason => Assert.Equal(InterPodAffinity.AffinityRulesNotMatch, reason));
    }

    [Fact]
    public void ANodeWithoutTheTermsTopologyLabel_FailsAffinity_EvenForTheFirstPod()
    {
        var result = Filter(Pod("first", affinity: OnTheSameNode), Nodes(node3WithoutHostname: true));

        Assert.Equal(("", "", InterPodAffinity.AffinityRulesNotMatch), (result["node-1"], result["node-2"], result["node-3"]));
    }

    [Fact]
    public void AZoneTerm_IsSatisfiedByEveryNodeOfTheMatchingPodsZone()
    {
        const string sameZone = """{"topologyKey": "topology.kubernetes.io/zone", "labelSelector": {"matchLabels": {"group": "g"}}}""";
        var nodes = With(Nodes(), "node-1", Pod("member"));

        var result = Filter(Pod("next", affinity: sameZone), nodes);

        Assert.Equal(("", "", InterPodAffinity.AffinityRulesNotMatch), (result["node-1"], result["node-2"], result["node-3"]));
    }

    [Theory]
    [InlineData(null, "node-1")] // the pod's own namespace only
    [InlineData("\"namespaces\": [\"other\"]", "node-2")]
    [InlineData("\"namespaceSelector\": {}", "node-1,node-2")] // every namespace
    [InlineData("\"namespaceSelector\": {\"matchLabels\": {\"team\": \"web\"}}", "node-2")]
    [InlineData("\"namespaces\": [\"apps\"], \"namespaceSelector\": {\"matchLabels\": {\"team\": \"web\"}}", "node-1,node-2")]
    public void TheTermsNamespaces_DecideWhichPodsCount(string? namespaces, string fits)
    {
        var term = OnTheSameNode[..^1] + (namespaces is null ? "" : ", " + namespaces) + "}";
        var nodes = With(With(Nodes(), "node-1", Pod("same-namespace")), "node-2", Pod("elsewhere", ns: "other"));

        var result = Filter(Pod("next", affinity: term), nodes);

        Assert.Equal(fits, string.Join(',', result.Where(r => r.Value.Length == 0).Select(r => r.Key)));
    }

    [Fact]
    public void ATermWithoutALabelSelector_SelectsNoPod_NotEvenItsOwn() =>
        Assert.All(Filter(Pod("next", affinity: """{"topologyKey": "kubernetes.io/hostname"}"""), With(Nodes(), "node-1", Pod("member"))).Values,
            reason => Assert.Equal(InterPodAffinity.AffinityRulesNotMatch, reason));

    [Fact]
    public void AntiAffinity_KeepsThePodFromTheDomainsOfMatchingPods_ButNotFromNodesWithoutTheLabel()
    {
        const string apartByZone = """{"topologyKey": "topology.kubernetes.io/zone", "labelSelector": {"matchLabels": {"group": "g"}}}""";
        var nodes = With(Nodes(), "node-3", Pod("member"));

        var result = Filter(Pod("apart", antiAffinity: apartByZone), nodes);
        Assert.Equal(("", "", InterPodAffinity.AntiAffinityRulesNotMatch), (result["node-1"], result["node-2"], result["node-3"]));

        var unlabelled = With(Nodes(node3WithoutHostname: true), "node-3", Pod("member"));
        Assert.All(Filter(Pod("apart", antiAffinity: OnTheSameNode), unlabelled).Values, Assert.Empty);
    }

    [Fact]
    public void AnExistingPodsAntiAffinity_KeepsAMatchingPodFromItsDomain_AndIsResolvableByPreemption()
    {
        const string noGroupInMyZone = """{"topologyKey": "topology.kubernetes.io/zone", "labelSelector": {"matchLabels": {"group": "g"}}}""";
        var nodes = With(Nodes(), "node-1", Pod("loner", labels: """{"app": "loner"}""", antiAffinity: noGroupInMyZone));

        var result = Filter(Pod("member"), nodes);
        Assert.Equal((InterPodAffinity.ExistingAntiAffinityRulesNotMatch, InterPodAffinity.ExistingAntiAffinityRulesNotMatch, ""),
            (result["node-1"], result["node-2"], result["node-3"]));
        Assert.True(InterPodAffinity.PreFilter(Pod("member"), nodes, _ => null)!.Filter(nodes[0].Node) is { Unresolvable: false });

        // Its term is in its own namespace: a pod elsewhere with the same labels is not kept away.
        Assert.All(Filter(Pod("member", ns: "other"), nodes).Values, Assert.Empty);
    }

    [Fact]
    public void APodWithoutTerms_WithNoExistingAntiAffinity_IsSkipped() =>
        Assert.Null(InterPodAffinity.PreFilter(Pod("plain"), With(Nodes(), "node-1", Pod("other")), _ => null));
}
