using Xunit.Abstractions;
using ZkSync.LocalCluster.Storage;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;
using ZkSync.Operator.Tests.Integration.Support;
using WatchEventType = ZkSync.LocalCluster.Storage.WatchEventType;

namespace ZkSync.Operator.Tests.Integration;

/// <summary>
/// Two operator replicas on one Lease: one leads and reconciles, the other waits; when the leader is cut off from the
/// API server it stops working before its Lease expires, the other takes over once it has, and no Job is made twice.
/// </summary>
public sealed class LeaderElectionTests(OperatorClusterFixture cluster, ITestOutputHelper output) : IClassFixture<OperatorClusterFixture>
{
    private const string Lease = "zksync-operator";

    private static int CreatedJobs(OperatorInstance op) =>
        op.Recorder.Requests.Count(r => r.Resource == "jobs" && r.Verb == "create" && r.Status == System.Net.HttpStatusCode.Created);

    [Fact]
    public Task TwoReplicas_OneLeads_TheOtherTakesOverWhenTheLeaseExpires_WithoutDuplicateJobs() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        var kubectl = cluster.Kubectl(ns);
        var a = await cluster.StartOperatorAsync(ns, "operator-a");
        await cluster.Changes.WaitAsync(() => cluster.Lease(ns, Lease)?.Spec.HolderIdentity == "operator-a", "operator-a to hold the Lease");
        var b = await cluster.StartOperatorAsync(ns, "operator-b");
        await kubectl.ApplyAsync(Manifests.Session("one", source: Manifests.Nfs("/a"), destination: Manifests.Nfs("/b")));
        await cluster.WaitForJobAsync(ns, "one-master");
        var one = await cluster.WaitForSessionAsync(ns, "one", s => s.Status?.Pass == 1, "pass 1");

        // The standby watches nothing and writes nothing but tries the Lease.
        await cluster.Changes.WaitAsync(() => b.Recorder.Requests.Any(r => r.Resource == "leases"), "operator-b to try the Lease");
        Assert.False(b.Health.Leading);
        Assert.All(b.Recorder.Requests.Where(r => r.IsResourceRequest), r => Assert.Equal("leases", r.Resource));

        // operator-a loses the API server (every request fails, its watches end). It must stop before operator-b,
        // which can take the Lease only once it has expired, starts.
        a.Recorder.Partition = true;
        cluster.Server.DropWatches(WatchDropMode.Abort);
        var lease = await cluster.Changes.WaitAsync(() => cluster.Lease(ns, Lease) is { Spec.HolderIdentity: "operator-b" } l ? l : null,
            "operator-b to take the Lease", () => $"holder {cluster.Lease(ns, Lease)?.Spec.HolderIdentity}");
        Assert.False(a.Health.Leading, "operator-a still led when operator-b took over");
        Assert.True(lease.Spec.LeaseTransitions >= 1);

        // operator-b carries on: the first session's workers once its master owns it, and a new session.
        await using (var played = await PlayedMaster.ConnectAsync(cluster.ZooKeeper.ConnectionString,
                         SessionNames.ZooKeeperSession(ns.Name, "one", one.Metadata.Uid, 1), cluster.SessionCredentials(ns, "one")))
        {
            await played.OwnSessionAsync();
            await cluster.WaitForJobAsync(ns, "one-sources");
            await cluster.WaitForJobAsync(ns, "one-destinations");
        }

        await kubectl.ApplyAsync(Manifests.Session("two", source: Manifests.Nfs("/c"), destination: Manifests.Nfs("/d")));
        await cluster.WaitForJobAsync(ns, "two-master");

        // operator-a comes back: the Lease is held, so it stays on standby.
        a.Recorder.Partition = false;
        await kubectl.ApplyAsync(Manifests.Session("three", source: Manifests.Nfs("/e"), destination: Manifests.Nfs("/f")));
        await cluster.WaitForJobAsync(ns, "three-master");
        await cluster.WaitForSessionAsync(ns, "three", s => s.Status?.Phase == SessionPhase.Pending, "Pending");
        Assert.Equal("operator-b", cluster.Lease(ns, Lease)?.Spec.HolderIdentity);
        Assert.False(a.Health.Leading);

        foreach (var job in new[] { "one-master", "one-sources", "one-destinations", "two-master", "three-master" })
        {
            Assert.Single(cluster.Changes.Writes, w => w.Resource == "jobs.batch" && w.Change == WatchEventType.Added && w.Name == job && w.Namespace == ns.Name);
        }

        // operator-a made the first master Job only; operator-b the four after it.
        Assert.Equal(1, CreatedJobs(a));
        Assert.Equal(4, CreatedJobs(b));
        OperatorClusterFixture.AssertPermitted(b);
    });
    [Fact]
    public Task LeaderStopped_WhileSessionsRunInTwoWatchedNamespaces_TheNewLeaderDrivesEachToSucceeded() => cluster.RunAsync(output, async () =>
    {
        // The replicas watch two namespaces (one watcher of each kind per namespace, all into shared caches); each has a
        // session named "one".
        var ns = await cluster.CreateNamespaceAsync();
        var other = await cluster.CreateNamespaceAsync();
        await cluster.WatchAlsoAsync(ns, other);
        var watchBoth = "--Operator:WatchNamespaces:1=" + other.Name;
        var a = await cluster.StartOperatorAsync(ns, "operator-a", watchBoth);
        await cluster.Changes.WaitAsync(() => cluster.Lease(ns, Lease)?.Spec.HolderIdentity == "operator-a", "operator-a to hold the Lease");
        var b = await cluster.StartOperatorAsync(ns, "operator-b", watchBoth);
        var kubelet = new PlayedKubelet(cluster.Admin, TimeProvider.System);
        var manifest = Manifests.Session("one", "  sources: 1\n", source: Manifests.Nfs("/a"), destination: Manifests.Nfs("/b"));
        await using var pass = await cluster.StartOwnedPassAsync(ns, "one", manifest);
        await using var otherPass = await cluster.StartOwnedPassAsync(other, "one", manifest);
        foreach (var (where, played) in new[] { (ns, pass), (other, otherPass) })
        {
            await played.Played.ReportAsync(PlayedMaster.Progress(total: 10, completed: 4));
            await cluster.WaitForSessionAsync(where, "one", s => s.Status?.Phase == SessionPhase.Running && s.Status.Paths?.Completed == 4, "running, 4 paths done");
        }

        // operator-a goes away (its pod killed); while no one leads, both passes end: the summary, then every Job completes.
        await a.StopAsync();
        foreach (var (where, played) in new[] { (ns, pass), (other, otherPass) })
        {
            await played.Played.FinishAsync(played.Played.Summary(completed: 10));
            foreach (var job in new[] { played.Master, played.Sources, played.Destinations })
            {
                await kubelet.CompleteJobAsync(job);
            }

            Assert.Equal(SessionPhase.Running, cluster.Session(where, "one")?.Status.Phase);
        }

        await cluster.Changes.WaitAsync(() => cluster.Lease(ns, Lease)?.Spec.HolderIdentity == "operator-b", "operator-b to take the Lease",
            () => $"holder {cluster.Lease(ns, Lease)?.Spec.HolderIdentity}");

        // operator-b lists each session with its Jobs complete and records its pass: Succeeded, the numbers from the
        // summary. Nothing but its lists told it about them.
        foreach (var (where, played) in new[] { (ns, pass), (other, otherPass) })
        {
            var session = await cluster.WaitForSessionAsync(where, "one", s => s.Status?.Phase == SessionPhase.Succeeded && s.Status.CompletionTime is not null, "Succeeded");
            Assert.Equal((10L, 10L, 0L), (session.Status.Paths!.Total, session.Status.Paths.Completed, session.Status.Paths.Remaining));
            Assert.True(OperatorClusterFixture.HasCondition(session, ConditionTypes.Ready, "True"));
            await Znodes.WaitAsync(played.Played.Client, ZkSync.Contracts.ZnodeLayout.Session(played.ZkSession), exists: false);
        }

        Assert.Contains("Caches synced: 2 sessions", b.Log.ToString(), StringComparison.Ordinal);
        OperatorClusterFixture.AssertPermitted(b);
    });

    [Fact]
    public Task LeaseLostAndRegained_WhileThePassEnds_TheNextTermDrivesItToSucceeded() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        var op = await cluster.StartOperatorAsync(ns, "operator-a");
        var kubelet = new PlayedKubelet(cluster.Admin, TimeProvider.System);
        await using var pass = await cluster.StartOwnedPassAsync(ns, "two", Manifests.Session("two", "  sources: 1\n", source: Manifests.Nfs("/c"), destination: Manifests.Nfs("/d")));
        await cluster.WaitForSessionAsync(ns, "two", s => s.Status?.Phase == SessionPhase.Running, "running");

        // Cut off from the API server (its open watches stay open, silent), it loses the Lease and ends its term; the
        // pass ends meanwhile.
        op.Recorder.Partition = true;
        await ClusterChanges.PollAsync(() => !op.Health.Leading, "operator-a to stop leading");
        await pass.Played.FinishAsync(pass.Played.Summary(completed: 3));
        foreach (var job in new[] { pass.Master, pass.Sources, pass.Destinations })
        {
            await kubelet.CompleteJobAsync(job);
        }

        // Back on the network, it leads again: the new term lists the session and records the pass.
        op.Recorder.Partition = false;
        var session = await cluster.WaitForSessionAsync(ns, "two", s => s.Status?.Phase == SessionPhase.Succeeded, "Succeeded");
        Assert.Equal(3L, session.Status.Paths?.Completed);
        Assert.True(op.Health.Leading);
        Assert.Contains("operator-a lost the Lease", op.Log.ToString(), StringComparison.Ordinal);
    });
}
