using System.Text.Json.Nodes;
using ZkSync.Chart.Tests.Support;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Chart.Tests;

/// <summary>networkPolicy.enabled: what the operator and the bundled ZooKeeper may reach and be reached by.</summary>
public sealed class NetworkPolicyTests
{
    private const string Fullname = ChartRenderer.Release + "-zksync-operator";

    [Fact]
    public async Task Default_RendersNoNetworkPolicy()
    {
        Assert.Empty((await ChartRenderer.RenderAsync()).OfKind("NetworkPolicy"));
    }

    [Fact]
    public async Task Operator_ReachesOnlyDnsTheApiServerAndTheBundledZooKeeper_AndIsScrapedFromWhereTheValuesSay()
    {
        var manifests = await ChartRenderer.RenderVariantAsync("network-policy-values.yaml");
        var policy = manifests.Single("NetworkPolicy", Fullname);
        AssertSelects(policy, manifests.Single("Deployment", Fullname));
        Assert.Equal(["Ingress", "Egress"], policy["spec"]!["policyTypes"]!.AsArray().Select(t => (string?)t));

        var ingress = Assert.Single(policy["spec"]!["ingress"]!.AsArray())!;
        Assert.Equal("http", (string?)Assert.Single(ingress["ports"]!.AsArray())!["port"]);
        Assert.Equal("monitoring", (string?)ingress["from"]![0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]);

        var egress = policy["spec"]!["egress"]!.AsArray();
        Assert.Equal(3, egress.Count);
        Assert.Equal(["53/UDP", "53/TCP"], Ports(egress[0]!));
        Assert.Null(egress[0]!["to"]);
        Assert.Equal(["10.96.0.1/32", "172.18.0.2/32"], egress[1]!["to"]!.AsArray().Select(t => (string?)t!["ipBlock"]!["cidr"]));
        Assert.Equal(["6443/TCP"], Ports(egress[1]!));
        Assert.Equal(["2181/TCP"], Ports(egress[2]!));
        AssertSelects(Assert.Single(egress[2]!["to"]!.AsArray())!.AsObject(), manifests.Single("StatefulSet", Fullname + "-zookeeper"));
    }

    [Fact]
    public async Task Operator_WithAnExistingEnsemble_ReachesItsPortsAtTheGivenAddresses()
    {
        var manifests = await ChartRenderer.RenderVariantAsync("network-policy-external-zookeeper-values.yaml");
        var policy = Assert.Single(manifests.OfKind("NetworkPolicy"));
        var zookeeper = policy["spec"]!["egress"]![2]!;
        Assert.Equal(["192.168.10.0/24"], zookeeper["to"]!.AsArray().Select(t => (string?)t!["ipBlock"]!["cidr"]));
        Assert.Equal(["2181/TCP", "2182/TCP"], Ports(zookeeper));
        Assert.Null(Assert.Single(policy["spec"]!["ingress"]!.AsArray())!["from"]);
    }

    [Fact]
    public async Task ZooKeeper_IsReachedByTheOperatorAndTheWatchedNamespacesWorkers_AndItsMembersOnly()
    {
        var manifests = await ChartRenderer.RenderVariantAsync("network-policy-values.yaml");
        var statefulSet = manifests.Single("StatefulSet", Fullname + "-zookeeper");
        var policy = manifests.Single("NetworkPolicy", Fullname + "-zookeeper");
        AssertSelects(policy, statefulSet);

        var ingress = policy["spec"]!["ingress"]!.AsArray();
        Assert.Equal(["2181/TCP"], Ports(ingress[0]!));
        var clients = ingress[0]!["from"]!.AsArray();
        AssertSelects(clients[0]!.AsObject(), manifests.Single("Deployment", Fullname));
        var workers = clients[1]!;
        Assert.Equal([ChartRenderer.Namespace, "apps"], workers["namespaceSelector"]!["matchExpressions"]![0]!["values"]!.AsArray().Select(v => (string?)v));

        // The labels the operator gives every worker pod (any role, any pass) are what the policy admits.
        var workerLabels = SessionNames.Labels("home", WorkerRole.Sources, 3);
        Assert.All(workers["podSelector"]!["matchLabels"]!.AsObject(), l => Assert.Equal((string?)l.Value, workerLabels[l.Key]));
        Assert.Equal(["2888/TCP", "3888/TCP"], Ports(ingress[1]!));
        AssertSelects(Assert.Single(ingress[1]!["from"]!.AsArray())!.AsObject(), statefulSet);

        var egress = policy["spec"]!["egress"]!.AsArray();
        Assert.Equal(["2888/TCP", "3888/TCP"], Ports(egress[0]!));
        Assert.Equal(["53/UDP", "53/TCP"], Ports(egress[1]!));
    }

    [Fact]
    public async Task ZooKeeper_WithClusterWideRbac_AdmitsWorkersOfEveryNamespace()
    {
        var manifests = await ChartRenderer.RenderAsync("--set", "networkPolicy.enabled=true", "--set", "rbac.clusterWide=true");
        var workers = manifests.Single("NetworkPolicy", Fullname + "-zookeeper")["spec"]!["ingress"]![0]!["from"]![1]!;
        Assert.Empty(workers["namespaceSelector"]!.AsObject());
    }

    private static IEnumerable<string> Ports(JsonNode rule) =>
        rule["ports"]!.AsArray().Select(p => $"{p!["port"]}/{p["protocol"]}");

    /// <summary>The policy's (or peer's) podSelector selects the workload's pods.</summary>
    private static void AssertSelects(JsonObject policyOrPeer, JsonObject workload)
    {
        var selector = (policyOrPeer["spec"]?["podSelector"] ?? policyOrPeer["podSelector"])!["matchLabels"]!.AsObject();
        var labels = workload["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.NotEmpty(selector);
        Assert.All(selector, s => Assert.Equal((string?)s.Value, (string?)labels[s.Key]));
    }
}
