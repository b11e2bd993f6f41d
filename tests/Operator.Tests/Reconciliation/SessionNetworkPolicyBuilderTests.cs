using k8s.Models;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Reconciliation;

public sealed class SessionNetworkPolicyBuilderTests
{
    private static readonly int[] ClusterDns = [53];

    private static bool Selects(V1LabelSelector selector, V1Job job) =>
        selector.MatchExpressions is null
        && selector.MatchLabels.All(l => job.Spec.Template.Metadata.Labels.TryGetValue(l.Key, out var value) && value == l.Value);

    [Fact]
    public void Policy_SelectsEveryWorkerPodOfTheSession_OwnedByIt()
    {
        var session = TestSessions.New();
        var policy = SessionNetworkPolicyBuilder.Build(session, "zk-0.zk:2181", ClusterDns);

        Assert.Equal(("home-zkrsync", "apps"), (policy.Metadata.Name, policy.Metadata.NamespaceProperty));
        Assert.Equal(TestSessions.Uid, Assert.Single(policy.Metadata.OwnerReferences).Uid);
        Assert.Equal(["Ingress", "Egress"], policy.Spec.PolicyTypes);
        foreach (var role in new[] { WorkerRole.Master, WorkerRole.Sources, WorkerRole.Destinations })
        {
            Assert.True(Selects(policy.Spec.PodSelector, TestSessions.Job(session, role)), $"{role} pods not selected");
            Assert.True(Selects(policy.Spec.PodSelector, TestSessions.Job(session, role, pass: 2)), $"{role} pods of pass 2 not selected");
        }

        Assert.False(Selects(policy.Spec.PodSelector, TestSessions.Job(TestSessions.New("other"), WorkerRole.Sources)), "another session's pods selected");
    }

    [Fact]
    public void Ingress_ReachesTheDestinationsRsyncPorts_OnlyFromTheSessionsSources()
    {
        var session = TestSessions.New();
        var policy = SessionNetworkPolicyBuilder.Build(session, "zk:2181", ClusterDns);

        var rule = Assert.Single(policy.Spec.Ingress);
        var from = Assert.Single(rule.FromProperty);
        Assert.Null(from.NamespaceSelector);
        Assert.Null(from.IpBlock);
        Assert.True(Selects(from.PodSelector, TestSessions.Job(session, WorkerRole.Sources)));
        Assert.False(Selects(from.PodSelector, TestSessions.Job(session, WorkerRole.Destinations)));
        Assert.False(Selects(from.PodSelector, TestSessions.Job(session, WorkerRole.Master)));
        Assert.False(Selects(from.PodSelector, TestSessions.Job(TestSessions.New("other"), WorkerRole.Sources)));
        var port = Assert.Single(rule.Ports);
        Assert.Equal(("TCP", "4444", 4459), (port.Protocol, port.Port.Value, port.EndPort));
    }

    [Fact]
    public void Egress_ReachesOnlyTheSessionsDestinations_ZooKeeperAndDns()
    {
        var session = TestSessions.New();
        var policy = SessionNetworkPolicyBuilder.Build(session, "zk-0.zk:2181,zk-1.zk:2181,zk-2.zk:2182/chroot", ClusterDns);

        Assert.Equal(3, policy.Spec.Egress.Count);
        var rsync = policy.Spec.Egress[0];
        var to = Assert.Single(rsync.To);
        Assert.True(Selects(to.PodSelector, TestSessions.Job(session, WorkerRole.Destinations)));
        Assert.False(Selects(to.PodSelector, TestSessions.Job(session, WorkerRole.Sources)));
        Assert.False(Selects(to.PodSelector, TestSessions.Job(TestSessions.New("other"), WorkerRole.Destinations)));
        Assert.Equal(("4444", 4459), (Assert.Single(rsync.Ports).Port.Value, rsync.Ports[0].EndPort));

        var zooKeeper = policy.Spec.Egress[1];
        Assert.Null(zooKeeper.To);
        Assert.Equal(["TCP/2181", "TCP/2182"], zooKeeper.Ports.Select(p => $"{p.Protocol}/{p.Port.Value}"));
        Assert.All(zooKeeper.Ports, p => Assert.Null(p.EndPort));

        var dns = policy.Spec.Egress[2];
        Assert.Null(dns.To);
        Assert.Equal(["UDP/53", "TCP/53"], dns.Ports.Select(p => $"{p.Protocol}/{p.Port.Value}"));
    }

    [Fact]
    public void Egress_ReachesTheConfiguredDnsPorts_OverUdpAndTcp()
    {
        // A cluster whose resolver listens elsewhere (the chart's networkPolicy.dns.ports), a port given twice once.
        var policy = SessionNetworkPolicyBuilder.Build(TestSessions.New(), "zk:2181", [5353, 1053, 5353]);

        var dns = policy.Spec.Egress[2];
        Assert.Null(dns.To);
        Assert.Equal(["UDP/5353", "TCP/5353", "UDP/1053", "TCP/1053"], dns.Ports.Select(p => $"{p.Protocol}/{p.Port.Value}"));
        Assert.DoesNotContain(policy.Spec.Egress, r => r.Ports.Any(p => p.Port.Value == "53"));
    }

    [Theory]
    [InlineData("zk", new[] { 2181 })]
    [InlineData("zk-0:2281,zk-1:2281", new[] { 2281 })]
    [InlineData("zk-0:2182, zk-1 ,zk-2:2183/zksync", new[] { 2181, 2182, 2183 })]
    [InlineData("[fd00::1]:2190,[fd00::2]", new[] { 2181, 2190 })]
    public void ZooKeeperPorts_AreTheServersDistinctClientPorts(string servers, int[] ports) =>
        Assert.Equal(ports, SessionNetworkPolicyBuilder.ZooKeeperPorts(servers));
}
