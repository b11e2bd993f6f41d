using k8s;
using k8s.Models;
using Xunit.Abstractions;
using ZkSync.Contracts;
using WatchEventType = ZkSync.LocalCluster.Storage.WatchEventType;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;
using ZkSync.Operator.Tests.Integration.Support;
using ZkSync.ZooKeeper;

namespace ZkSync.Operator.Tests.Integration;

/// <summary>
/// The controller on the local API server with a real ZooKeeper: a session's pass from its creation to its end, as
/// users (kubectl), the Job controller and kubelet (played through the API) and the master (played in ZooKeeper with
/// the session's credentials) see it.
/// </summary>
public sealed class SessionLifecycleTests(OperatorClusterFixture cluster, ITestOutputHelper output) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public Task Create_MakesTheMasterJob_ThenTheWorkerJobsOnceTheMasterOwnsTheSession() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        await CreateClaimsAsync(ns, "ReadWriteMany");
        var op = await cluster.StartOperatorAsync(ns);
        await cluster.Kubectl(ns).ApplyAsync(Manifests.Session("home", """
              sources: 3
              destinations: 2

            """));

        var master = await cluster.WaitForJobAsync(ns, "home-master");
        var session = await cluster.WaitForSessionAsync(ns, "home", s => s.Status?.Pass == 1 && s.Status.Phase == SessionPhase.Pending, "pass 1 pending");
        var zkSession = SessionNames.ZooKeeperSession(ns.Name, "home", session.Metadata.Uid, 1);
        Assert.Contains(SessionNames.Finalizer, session.Metadata.Finalizers);
        Assert.Equal(ZnodeLayout.Session(zkSession), session.Status.ZookeeperPath);
        Assert.Equal(session.Metadata.Uid, Assert.Single(master.Metadata.OwnerReferences).Uid);
        Assert.Equal(1, master.Spec.Parallelism);
        Assert.Null(cluster.Job(ns, "home-sources"));
        Assert.Null(cluster.Job(ns, "home-destinations"));
        Assert.True(OperatorClusterFixture.HasCondition(session, ConditionTypes.Reconciling, "True", ConditionReasons.PassStarting));

        // The session's node exists for its credentials (and the operator's admin) only.
        var credentials = cluster.SessionCredentials(ns, "home");
        await using var played = await PlayedMaster.ConnectAsync(cluster.ZooKeeper.ConnectionString, zkSession, credentials);
        var acl = (await played.Client.GetAclAsync(ZnodeLayout.Session(zkSession))).Acl.Select(a => a.Id).Order().ToList();
        Assert.Equal(new[] { Acl.DigestId(credentials.User, credentials.Password), Acl.DigestId("zksync-operator", OperatorClusterFixture.AdminPassword) }.Order(), acl);

        await played.OwnSessionAsync();
        var sources = await cluster.WaitForJobAsync(ns, "home-sources");
        var destinations = await cluster.WaitForJobAsync(ns, "home-destinations");
        Assert.Equal((3, "Indexed"), (sources.Spec.Parallelism, sources.Spec.CompletionMode));
        Assert.Equal((2, "Indexed"), (destinations.Spec.Parallelism, destinations.Spec.CompletionMode));
        session = await cluster.WaitForSessionAsync(ns, "home", s => s.Status?.Phase == SessionPhase.Running, "running once the master owns the session");
        Assert.Equal((3, 2), (session.Status.Workers?.SourcesDesired, session.Status.Workers?.DestinationsDesired));

        // Each Job was created once, and every request the operator made is one its RBAC rules grant.
        foreach (var job in new[] { "home-master", "home-sources", "home-destinations" })
        {
            Assert.Single(cluster.Changes.Writes, w => w.Resource == "jobs.batch" && w.Change == WatchEventType.Added && w.Name == job && w.Namespace == ns.Name);
        }

        OperatorClusterFixture.AssertPermitted(op);
    });

    private async Task CreateClaimsAsync(TestNamespace ns, string accessMode)
    {
        await cluster.Admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Manifests.Claim("old-data", accessMode), ns.Name);
        await cluster.Admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Manifests.Claim("new-data", accessMode), ns.Name);
    }
}
