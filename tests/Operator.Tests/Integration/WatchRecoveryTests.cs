using k8s.Models;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.LocalCluster.Storage;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;
using ZkSync.Operator.Tests.Integration.Support;

namespace ZkSync.Operator.Tests.Integration;

/// <summary>
/// The operator's watches against the server's faults: every client watch dropped (a reset connection, a stream
/// closed with no line), and a resourceVersion that fell out of the server's retained window (410 Gone). Changes
/// made while the operator could not see them must all arrive.
/// </summary>
public sealed class WatchRecoveryTests(OperatorClusterFixture cluster, ITestOutputHelper output) : IClassFixture<OperatorClusterFixture>
{
    private const string Sessions = "zkrsyncsessions";

    [Theory]
    [InlineData(WatchDropMode.Abort)]
    [InlineData(WatchDropMode.Close)]
    public Task DroppedWatches_ResumeFromTheLastVersion_AndMissNoChange(WatchDropMode mode) => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        var op = await cluster.StartOperatorAsync(ns);
        var kubectl = cluster.Kubectl(ns);
        var kubelet = new PlayedKubelet(cluster.Admin, TimeProvider.System);
        await kubectl.ApplyAsync(Manifests.Session("first", source: Manifests.Nfs("/a"), destination: Manifests.Nfs("/b")));
        var master = await cluster.WaitForJobAsync(ns, "first-master");
        await cluster.WaitForSessionAsync(ns, "first", s => s.Status?.Phase == SessionPhase.Pending, "Pending");
        await WaitForWatchesAsync(ns);
        var lists = Lists(op);

        // The operator cannot reconnect while the cluster changes: a session's master pod starts, another session comes.
        op.Recorder.Hold();
        Assert.True(cluster.Server.DropWatches(mode) >= 3);
        await kubelet.RunPodAsync(master);
        await kubectl.ApplyAsync(Manifests.Session("second", source: Manifests.Nfs("/c"), destination: Manifests.Nfs("/d")));
        op.Recorder.Release();

        await cluster.WaitForSessionAsync(ns, "first", s => s.Status?.Phase == SessionPhase.Running, "Running once its master pod runs");
        await cluster.WaitForJobAsync(ns, "second-master");
        await cluster.WaitForSessionAsync(ns, "second", s => s.Status?.Pass == 1, "pass 1 of the session made while the watches were down");
        Assert.Equal(lists, Lists(op)); // resumed from the last resourceVersion: no relist was needed
        Assert.True(op.Recorder.Requests.Count(r => r.Verb == "watch" && r.Resource == Sessions) >= 2);
    });

    [Fact]
    public Task WatchFromAVersionTheServerNoLongerKeeps_Relists_AndMissesNoChange() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        var op = await cluster.StartOperatorAsync(ns);
        var kubectl = cluster.Kubectl(ns);
        var kubelet = new PlayedKubelet(cluster.Admin, TimeProvider.System);
        await kubectl.ApplyAsync(Manifests.Session("kept", source: Manifests.Nfs("/a"), destination: Manifests.Nfs("/b")));
        await kubectl.ApplyAsync(Manifests.Session("doomed", source: Manifests.Nfs("/c"), destination: Manifests.Nfs("/d")));
        var master = await cluster.WaitForJobAsync(ns, "kept-master");
        await cluster.WaitForJobAsync(ns, "doomed-master");
        var doomed = await cluster.WaitForSessionAsync(ns, "doomed", s => s.Status?.Pass == 1 && s.Metadata.Finalizers?.Contains(SessionNames.Finalizer) == true, "pass 1");
        await WaitForWatchesAsync(ns);
        var lists = Lists(op);

        // While the operator is cut off, the server forgets every change (retained window shrunk to nothing): a pod
        // starts, a session is deleted, another is created. Watching from the old version gets 410 Gone.
        var store = cluster.Server.Store;
        var retained = store.RetainedEvents;
        op.Recorder.Hold();
        try
        {
            Assert.True(cluster.Server.DropWatches(WatchDropMode.Abort) >= 3);
            await kubelet.RunPodAsync(master);
            (await kubectl.TryAsync("delete", "zkrs", "doomed", "--wait=false")).EnsureSuccess();
            await kubectl.ApplyAsync(Manifests.Session("late", source: Manifests.Nfs("/e"), destination: Manifests.Nfs("/f")));
            store.RetainedEvents = 0;
            op.Recorder.Release();
            await cluster.Changes.WaitAsync(() => Lists(op) >= lists + 3, "a relist of sessions, Jobs and pods", () => $"{Lists(op)} lists");
        }
        finally
        {
            store.RetainedEvents = retained;
            op.Recorder.Release();
        }

        await cluster.WaitForSessionAsync(ns, "kept", s => s.Status?.Phase == SessionPhase.Running, "Running once its master pod runs");
        await cluster.WaitForJobAsync(ns, "late-master");
        await cluster.Changes.WaitAsync(() => cluster.Session(ns, "doomed") is null, "the deleted session finalized");
        Assert.Null(cluster.Job(ns, "doomed-master"));
        var zkSession = SessionNames.ZooKeeperSession(ns.Name, "doomed", doomed.Metadata.Uid, 1);
        await using var admin = await PlayedMaster.ConnectAsync(cluster.ZooKeeper.ConnectionString, zkSession,
            new ZooKeeper.ZooKeeperCredentials("zksync-operator", OperatorClusterFixture.AdminPassword));
        Assert.Null(await admin.Client.ExistsAsync(ZnodeLayout.Session(zkSession)));
        Assert.Contains("is gone (410)", op.Log.ToString(), StringComparison.Ordinal);
    });

    /// <summary>The operator's LIST requests (its watchers' first lists and their relists after a 410).</summary>
    private static int Lists(OperatorInstance op) =>
        op.Recorder.Requests.Count(r => r.Verb == "list" && r.Resource is Sessions or "jobs" or "pods" && r.Status is not null);

    /// <summary>Waits until the operator watches sessions, Jobs and pods in the namespace.</summary>
    private Task WaitForWatchesAsync(TestNamespace ns) =>
        ClusterChanges.PollAsync(
            () => cluster.Server.Store.OpenWatches("zkrsyncsessions.zksync.io", ns.Name) >= 1 && cluster.Server.Store.OpenWatches("jobs.batch", ns.Name) >= 1
                  && cluster.Server.Store.OpenWatches("pods", ns.Name) >= 1,
            "the operator's watches");
}
