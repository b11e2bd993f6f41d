using System.Text.Json.Nodes;
using ZkSync.Chart.Tests.Support;

namespace ZkSync.Chart.Tests;

/// <summary>The chart's RBAC as rendered: exactly the operator's calls, no wildcards, namespaced or cluster-wide.</summary>
public sealed class ChartRbacTests
{
    private const string Fullname = ChartRenderer.Release + "-zksync-operator";

    [Theory]
    [MemberData(nameof(ChartRenderer.VariantData), MemberType = typeof(ChartRenderer))]
    public async Task Rules_InEveryVariant_HaveNoWildcardAndGrantExactlyTheOperatorsCalls(string variant)
    {
        var manifests = await ChartRenderer.RenderVariantAsync(variant);
        var roles = manifests.OfKind("Role").Concat(manifests.OfKind("ClusterRole")).ToList();
        foreach (var role in roles)
        {
            foreach (var rule in role["rules"]!.AsArray())
            {
                foreach (var field in new[] { "apiGroups", "resources", "verbs", "resourceNames" })
                {
                    Assert.DoesNotContain("*", rule![field]?.AsArray().Select(v => (string?)v) ?? []);
                }

                Assert.Null(rule!["nonResourceURLs"]);
            }
        }

        // The operator makes per-session NetworkPolicies when its configuration says so, and only then may.
        var deployment = manifests.Single("Deployment", Fullname);
        var policies = Manifests.Environment(Manifests.Container(deployment, "operator"))["Operator__NetworkPolicy__Enabled"] == "true";
        var expected = policies ? OperatorCalls.SessionNamespace.Union(OperatorCalls.SessionNetworkPolicies).ToHashSet() : OperatorCalls.SessionNamespace.ToHashSet();
        var sessionRoles = roles.Where(r => Manifests.Name(r) == Fullname).ToList();
        Assert.NotEmpty(sessionRoles);
        Assert.All(sessionRoles, r => Assert.Equal(expected, Grants(r, named: false)));

        var lease = manifests.Single("Role", Fullname + "-leader-election");
        Assert.Equal(ChartRenderer.Namespace, Manifests.Namespace(lease));
        Assert.Equal(OperatorCalls.LeaseByName, Grants(lease, named: true));
        Assert.Equal(OperatorCalls.LeaseCreate, Grants(lease, named: false));
        Assert.All(lease["rules"]!.AsArray().Where(r => r!["resourceNames"] is not null),
            r => Assert.Equal([Fullname], r!["resourceNames"]!.AsArray().Select(n => (string?)n)));
    }

    [Theory]
    [InlineData("default", new[] { ChartRenderer.Namespace })]
    [InlineData("watch-namespaces-values.yaml", new[] { ChartRenderer.Namespace, "apps", "databases" })]
    [InlineData("network-policy-values.yaml", new[] { ChartRenderer.Namespace, "apps" })]
    public async Task Namespaced_BindsARoleInEachWatchedNamespace_AndNoClusterRole(string variant, string[] namespaces)
    {
        var manifests = await ChartRenderer.RenderVariantAsync(variant);
        Assert.Empty(manifests.OfKind("ClusterRole"));
        Assert.Empty(manifests.OfKind("ClusterRoleBinding"));
        Assert.Equal(namespaces.Order(), manifests.OfKind("Role").Where(r => Manifests.Name(r) == Fullname).Select(Manifests.Namespace).Order());
        foreach (var binding in manifests.OfKind("RoleBinding"))
        {
            Assert.Equal("Role", (string?)binding["roleRef"]!["kind"]);
            var subject = Assert.Single(binding["subjects"]!.AsArray())!;
            Assert.Equal("ServiceAccount", (string?)subject["kind"]);
            Assert.Equal(Fullname, (string?)subject["name"]);
            Assert.Equal(ChartRenderer.Namespace, (string?)subject["namespace"]);
        }

        Assert.Equal(namespaces.Length + 1, manifests.OfKind("RoleBinding").Count());
    }

    [Theory]
    [InlineData("cluster-wide-values.yaml")]
    [InlineData("network-policy-external-zookeeper-values.yaml")]
    public async Task ClusterWide_BindsOneClusterRoleToTheOperator_AndOnlyTheLeaseRole(string variant)
    {
        var manifests = await ChartRenderer.RenderVariantAsync(variant);
        var binding = Assert.Single(manifests.OfKind("ClusterRoleBinding"));
        Assert.Equal(Fullname, (string?)binding["roleRef"]!["name"]);
        Assert.Equal("ClusterRole", (string?)binding["roleRef"]!["kind"]);
        Assert.Equal(Fullname, (string?)binding["subjects"]![0]!["name"]);
        Assert.Equal(Fullname + "-leader-election", Manifests.Name(Assert.Single(manifests.OfKind("Role"))));
    }

    [Theory]
    [InlineData("default", new[] { ChartRenderer.Namespace })]
    [InlineData("watch-namespaces-values.yaml", new[] { ChartRenderer.Namespace, "apps", "databases" })]
    [InlineData("cluster-wide-values.yaml", new[] { ChartRenderer.Namespace })]
    [InlineData("minimal-values.yaml", new string[0])]
    public async Task WorkerServiceAccounts_MountNoTokenAndHaveNothingBoundToThem(string variant, string[] namespaces)
    {
        var manifests = await ChartRenderer.RenderVariantAsync(variant);
        var workers = manifests.OfKind("ServiceAccount").Where(s => Manifests.Name(s) == Fullname + "-worker").ToList();
        Assert.Equal(namespaces.Order(), workers.Select(Manifests.Namespace).Order());
        Assert.All(workers, w => Assert.False((bool)w["automountServiceAccountToken"]!));
        var subjects = manifests.OfKind("RoleBinding").Concat(manifests.OfKind("ClusterRoleBinding"))
            .SelectMany(b => b["subjects"]!.AsArray()).Select(s => (string?)s!["name"]);
        Assert.DoesNotContain(Fullname + "-worker", subjects);
    }

    /// <summary>What a role grants, one (group, resource, verb) per entry, from its rules with or without resourceNames.</summary>
    private static HashSet<(string Group, string Resource, string Verb)> Grants(JsonObject role, bool named) =>
        [.. role["rules"]!.AsArray()
            .Where(r => (r!["resourceNames"] is not null) == named)
            .SelectMany(r =>
                from g in r!["apiGroups"]!.AsArray()
                from res in r["resources"]!.AsArray()
                from v in r["verbs"]!.AsArray()
                select ((string)g!, (string)res!, (string)v!))];
}
