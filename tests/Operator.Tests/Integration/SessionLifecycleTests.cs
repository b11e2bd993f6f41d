using k8s;
using k8s.Models;
using Xunit.Abstractions;
using ZkSync.Contracts;
using WatchEventType = ZkSync.LocalCluster.Storage.WatchEventType;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;
using ZkSync.Operator.Tests.Integration.Support;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

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
        await CreateClaimsAsync(ns, "ReadWriteOnce"); // no pod uses them: every pod goes with the session's own
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
        Assert.Null(cluster.NetworkPolicy(ns, SessionNetworkPolicyBuilder.Name("home"))); // network policies are off by default

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

        // The worker Jobs did not wait for a master pod (none runs here): each Job carries the pod affinity that keeps
        // its pods, replacements included, on the node where the session's pods run.
        Assert.All(new[] { master, sources, destinations }, job =>
        {
            var term = Assert.Single(job.Spec.Template.Spec.Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
            Assert.Equal(("kubernetes.io/hostname", "home"), (term.TopologyKey, term.LabelSelector.MatchLabels[SessionNames.LabelSession]));
            Assert.Null(job.Spec.Template.Spec.Affinity.NodeAffinity);
        });
        session = await cluster.WaitForSessionAsync(ns, "home", s => s.Status?.Phase == SessionPhase.Running, "running once the master owns the session");
        Assert.Equal((3, 2), (session.Status.Workers?.SourcesDesired, session.Status.Workers?.DestinationsDesired));

        // Each Job was created once, and every request the operator made is one its RBAC rules grant.
        foreach (var job in new[] { "home-master", "home-sources", "home-destinations" })
        {
            Assert.Single(cluster.Changes.Writes, w => w.Resource == "jobs.batch" && w.Change == WatchEventType.Added && w.Name == job && w.Namespace == ns.Name);
        }

        OperatorClusterFixture.AssertPermitted(op);
    });

    [Fact]
    public Task JobAndPodChanges_ShowInTheStatus() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        await cluster.StartOperatorAsync(ns);
        await cluster.Kubectl(ns).ApplyAsync(Manifests.Session("web", """
              sources: 2
              destinations: 1

            """, source: Manifests.Nfs("/export/old"), destination: Manifests.Nfs("/export/new")));
        var master = await cluster.WaitForJobAsync(ns, "web-master");
        var kubelet = new PlayedKubelet(cluster.Admin, TimeProvider.System);

        // The scheduler cannot place the master: Stalled, with its reason and message.
        var pending = await kubelet.UnschedulablePodAsync(master, "0/3 nodes are available: 3 Insufficient cpu.");
        var session = await cluster.WaitForSessionAsync(ns, "web", s => OperatorClusterFixture.HasCondition(s, ConditionTypes.Stalled, "True", ConditionReasons.Unschedulable), "Stalled: Unschedulable");
        Assert.Contains("Insufficient cpu", OperatorClusterFixture.ConditionOf(session, ConditionTypes.Stalled)!.Message, StringComparison.Ordinal);
        Assert.Equal(SessionPhase.Pending, session.Status.Phase);

        // Placed after all: the pending pod goes, a running one comes; the master owns the session.
        await cluster.Admin.CoreV1.DeleteNamespacedPodAsync(pending.Metadata.Name, ns.Name, gracePeriodSeconds: 0);
        var masterPod = await kubelet.RunPodAsync(master, ip: "10.244.1.5");
        session = await cluster.WaitForSessionAsync(ns, "web", s => s.Status?.Phase == SessionPhase.Running && OperatorClusterFixture.HasCondition(s, ConditionTypes.Stalled, "False"), "Running, no longer stalled");
        Assert.Equal(masterPod.Metadata.Name, session.Status.Workers?.Master);

        var zkSession = SessionNames.ZooKeeperSession(ns.Name, "web", session.Metadata.Uid, 1);
        await using var played = await PlayedMaster.ConnectAsync(cluster.ZooKeeper.ConnectionString, zkSession, cluster.SessionCredentials(ns, "web"));
        await played.OwnSessionAsync();
        var sources = await cluster.WaitForJobAsync(ns, "web-sources");
        var destinations = await cluster.WaitForJobAsync(ns, "web-destinations");
        await kubelet.RunPodAsync(sources, node: "node-b", ip: "10.244.2.1", index: 0);
        await kubelet.RunPodAsync(sources, node: "node-c", ip: "10.244.3.1", index: 1, ready: false);
        await kubelet.RunPodAsync(destinations, node: "node-b", ip: "10.244.2.2");
        session = await cluster.WaitForSessionAsync(ns, "web",
            s => s.Status?.Workers is { SourcesReady: 1, SourcesDesired: 2, DestinationsReady: 1, DestinationsDesired: 1 }, "one of two sources and the destination ready");

        // The master's progress report: numbers, percentage and ETA.
        await played.ReportAsync(PlayedMaster.Progress(total: 10, completed: 4, elapsedSeconds: 8, bytes: 4096));
        session = await cluster.WaitForSessionAsync(ns, "web", s => s.Status?.Paths?.Completed == 4, "4 paths completed");
        Assert.Equal((10L, 4L, 0L, 6L), (session.Status.Paths!.Total, session.Status.Paths.Completed, session.Status.Paths.Failed, session.Status.Paths.Remaining));
        Assert.Equal(40, session.Status.ProgressPercent);
        Assert.Equal("12s", session.Status.Eta);
        Assert.Equal(512, session.Status.ThroughputBytesPerSecond);

        // A source pod exits with "paths failed": its Job fails at once (podFailurePolicy); the pass fails, the rest is stopped.
        await kubelet.FailJobAsync(sources, "PodFailurePolicy", "Container zkrsync for pod web-sources-0 failed with exit code 3 matching FailJob rule at index 0");
        session = await cluster.WaitForSessionAsync(ns, "web", s => s.Status?.Phase == SessionPhase.Failed, "Failed");
        var failed = OperatorClusterFixture.ConditionOf(session, ConditionTypes.Failed)!;
        Assert.Equal(("True", ConditionReasons.JobFailed), (failed.Status, failed.Reason));
        Assert.Contains("web-sources", failed.Message, StringComparison.Ordinal);
        Assert.NotNull(session.Status.CompletionTime);
        Assert.True(OperatorClusterFixture.HasCondition(session, ConditionTypes.Ready, "False"));
        await cluster.WaitForJobAsync(ns, "web-master", j => j.Spec.Suspend == true);
        await cluster.WaitForJobAsync(ns, "web-destinations", j => j.Spec.Suspend == true);
        await cluster.Changes.WaitAsync(() => cluster.Events(ns).Any(e => e.Reason == EventReasons.Failed && e.InvolvedObject.Name == "web" && e.Type == "Warning"),
            "a Failed event", () => string.Join("; ", cluster.Events(ns).Select(e => e.Reason)));
    });

    [Fact]
    public Task SuspendAndResume_SuspendTheJobsAndKeepTheQueue() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        await cluster.StartOperatorAsync(ns);
        var kubectl = cluster.Kubectl(ns);
        await using var pass = await cluster.StartOwnedPassAsync(ns, "db", Manifests.Session("db", "  sources: 1\n", source: Manifests.Nfs("/export/old"), destination: Manifests.Nfs("/export/new")));
        var (session, zkSession, played) = (pass.Session, pass.ZkSession, pass.Played);

        await kubectl.RunAsync("patch", "zkrs", "db", "--type=merge", "-p", """{"spec":{"suspend":true}}""");
        foreach (var job in new[] { "db-master", "db-sources", "db-destinations" })
        {
            await cluster.WaitForJobAsync(ns, job, j => j.Spec.Suspend == true);
        }

        session = await cluster.WaitForSessionAsync(ns, "db", s => s.Status?.Phase == SessionPhase.Suspended && OperatorClusterFixture.HasCondition(s, ConditionTypes.Suspended, "True"), "Suspended");
        Assert.True(OperatorClusterFixture.HasCondition(session, ConditionTypes.Reconciling, "False", ConditionReasons.Suspended));
        Assert.NotNull(await played.Client.ExistsAsync(ZnodeLayout.Ready(zkSession))); // the queue stays for the resumed pass
        foreach (var job in new[] { "db-master", "db-sources" })
        {
            Assert.Contains("--keep-session-on-stop", cluster.Job(ns, job)!.Spec.Template.Spec.Containers[0].Args); // any source may be the master
        }

        // The stopped master reports itself interrupted: that ends nothing while the pass is suspended.
        await played.ReportAsync(PlayedMaster.Progress(total: 5, completed: 1));
        await played.FinishAsync(played.Summary(completed: 1, reason: SessionEndReason.Interrupted));
        session = await cluster.WaitForSessionAsync(ns, "db", s => s.Status?.Paths?.Completed == 1, "1 path completed before the suspension");
        Assert.Equal(SessionPhase.Suspended, session.Status.Phase);
        Assert.Null(session.Status.CompletionTime);

        await kubectl.RunAsync("patch", "zkrs", "db", "--type=merge", "-p", """{"spec":{"suspend":false}}""");
        foreach (var job in new[] { "db-master", "db-sources", "db-destinations" })
        {
            await cluster.WaitForJobAsync(ns, job, j => j.Spec.Suspend == false);
        }

        session = await cluster.WaitForSessionAsync(ns, "db", s => s.Status?.Phase == SessionPhase.Running && OperatorClusterFixture.HasCondition(s, ConditionTypes.Suspended, "False"), "Running again");
        Assert.Equal(1, session.Status.Pass);
        Assert.Null(session.Status.CompletionTime);

        // The resumed pass's master carries on from the queue; its progress, not the interrupted summary, counts.
        await played.ReportAsync(PlayedMaster.Progress(total: 5, completed: 3));
        await cluster.WaitForSessionAsync(ns, "db", s => s.Status?.Paths?.Completed == 3 && s.Status.Phase == SessionPhase.Running, "3 paths completed after resuming");
        await played.FinishAsync(played.Summary(completed: 5));
        var kubelet = new PlayedKubelet(cluster.Admin, TimeProvider.System);
        foreach (var job in cluster.Jobs(ns))
        {
            await kubelet.CompleteJobAsync(job);
        }

        session = await cluster.WaitForSessionAsync(ns, "db", s => s.Status?.Phase == SessionPhase.Succeeded, "Succeeded");
        Assert.Equal(5, session.Status.Paths?.Completed);
        Assert.Single(cluster.Changes.Writes, w => w.Resource == "jobs.batch" && w.Change == WatchEventType.Added && w.Name == "db-master" && w.Namespace == ns.Name);
    });

    [Fact]
    public Task ManualTrigger_StartsASecondPass_AndKubectlWaitFollowsObservedGeneration() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        await cluster.StartOperatorAsync(ns);
        var kubectl = cluster.Kubectl(ns);
        var kubelet = new PlayedKubelet(cluster.Admin, TimeProvider.System);
        await kubectl.ApplyAsync(Manifests.Session("files", "  sources: 1\n", source: Manifests.Nfs("/export/old"), destination: Manifests.Nfs("/export/new")));
        var first = await RunPassToCompletionAsync(ns, "files", kubelet, pass: 1, paths: 7);
        Assert.Null(first.Status.LastManualSync);

        // kubectl wait and kubectl get as users run them.
        (await kubectl.TryAsync("wait", "--for=condition=Complete", "zkrs/files", "--timeout=30s")).EnsureSuccess();
        var table = PrintedTable.Parse(await kubectl.RunAsync("get", "zkrs"));
        Assert.Equal(["NAME", "PHASE", "PROGRESS", "REMAINING", "FAILED", "ETA", "AGE"], table.Columns);
        var row = Assert.Single(table.Rows);
        Assert.Equal(("files", "Succeeded", "100", "0", "0"), (row["NAME"], row["PHASE"], row["PROGRESS"], row["REMAINING"], row["FAILED"]));

        // The final pass: a new trigger value. kubectl wait must not take pass 1's Complete for it (observedGeneration).
        await kubectl.RunAsync("patch", "zkrs", "files", "--type=merge", "-p", """{"spec":{"trigger":{"manual":"final"},"rsync":{"delete":true,"checksum":true}}}""");
        var waiting = kubectl.TryAsync("wait", "--for=condition=Complete", "zkrs/files", "--timeout=60s");
        var second = await cluster.WaitForJobAsync(ns, "files-master", j => SessionNames.PassOf(j.Metadata.Labels) == 2);
        Assert.Contains("--delete", second.Spec.Template.Spec.Containers[0].Args);
        Assert.Contains("--checksum", second.Spec.Template.Spec.Containers[0].Args);
        var running = await cluster.WaitForSessionAsync(ns, "files", s => s.Status?.Pass == 2 && s.Status.CompletionTime is null, "pass 2 running");
        Assert.True(OperatorClusterFixture.HasCondition(running, ConditionTypes.Complete, "False"));
        Assert.False(waiting.IsCompleted, "kubectl wait returned before pass 2 completed");

        var done = await RunPassToCompletionAsync(ns, "files", kubelet, pass: 2, paths: 3);
        (await waiting).EnsureSuccess();
        Assert.Equal("final", done.Status.LastManualSync);
        Assert.EndsWith("-2", done.Status.ZookeeperPath, StringComparison.Ordinal);
        Assert.Equal(3, done.Status.Paths?.Completed);
        Assert.Equal(2, cluster.Changes.Writes.Count(w => w.Resource == "jobs.batch" && w.Change == WatchEventType.Added && w.Name == "files-master" && w.Namespace == ns.Name));
    });

    [Fact]
    public Task Delete_RemovesTheJobsThenTheZnodesThenTheFinalizer() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        await cluster.StartOperatorAsync(ns);
        var kubectl = cluster.Kubectl(ns);
        await using var pass = await cluster.StartOwnedPassAsync(ns, "gone", Manifests.Session("gone", "  sources: 1\n", source: Manifests.Nfs("/export/old"), destination: Manifests.Nfs("/export/new")));
        var (zkSession, played) = (pass.ZkSession, pass.Played);

        (await kubectl.TryAsync("delete", "zkrs", "gone", "--timeout=60s")).EnsureSuccess();
        Assert.Null(cluster.Session(ns, "gone"));
        Assert.Empty(cluster.Jobs(ns));
        Assert.Null(await played.Client.ExistsAsync(ZnodeLayout.Session(zkSession)));
        var writes = cluster.Changes.Writes.Where(w => w.Namespace == ns.Name).ToList();
        var sessionGone = writes.FindIndex(w => w.Resource == "zkrsyncsessions.zksync.io" && w.Change == WatchEventType.Deleted);
        Assert.All(writes.Where(w => w.Resource == "jobs.batch" && w.Change == WatchEventType.Deleted), w => Assert.True(writes.IndexOf(w) < sessionGone, $"{w.Name} deleted after the session"));
        await cluster.Changes.WaitAsync(() => cluster.Secret(ns, SessionNames.Secret("gone")) is null, "the session's Secret garbage-collected");
    });

    [Fact]
    public Task PassRecorded_WhileAMasterPodStillRuns_ItsJobsAreSuspendedAndTheZnodesWaitForThePod() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        var op = await cluster.StartOperatorAsync(ns);
        var kubelet = new PlayedKubelet(cluster.Admin, TimeProvider.System);
        await using var pass = await cluster.StartOwnedPassAsync(ns, "done", Manifests.Session("done", "  sources: 1\n", source: Manifests.Nfs("/export/old"), destination: Manifests.Nfs("/export/new")));
        var (zkSession, played) = (pass.ZkSession, pass.Played);

        // The master wrote its summary and exited, but its pod went before the Job counted it: the Job controller
        // started another master, which would find the session's node gone and fail on re-creating it.
        var replacement = await kubelet.RunPodAsync(pass.Master, ip: "10.244.0.20");
        await played.FinishAsync(played.Summary(completed: 5));
        await cluster.WaitForSessionAsync(ns, "done", s => s.Status?.Phase == SessionPhase.Succeeded && s.Status.CompletionTime is not null, "Succeeded");

        // Past the grace for finishing by themselves (1 s here), the recorded pass's Jobs start nothing more, and its
        // znodes stay while a pod of them still runs.
        foreach (var job in new[] { pass.Master, pass.Sources, pass.Destinations })
        {
            await cluster.WaitForJobAsync(ns, job.Metadata.Name, j => j.Spec.Suspend == true);
        }

        Assert.NotNull(await played.Client.ExistsAsync(ZnodeLayout.Session(zkSession)));

        // The suspended Job's pod goes (stopped by its kubelet, removed): then the znodes go, and the record stays.
        await cluster.Admin.CoreV1.DeleteNamespacedPodAsync(replacement.Metadata.Name, ns.Name, gracePeriodSeconds: 0);
        await Znodes.WaitAsync(played.Client, ZnodeLayout.Session(zkSession), exists: false);
        var session = cluster.Session(ns, "done")!;
        Assert.Equal((SessionPhase.Succeeded, 5L), (session.Status.Phase, session.Status.Paths?.Completed));
        OperatorClusterFixture.AssertPermitted(op);
    });

    [Fact]
    public Task NetworkPoliciesOn_EachSessionGetsItsOwnPolicy_GoneWithTheSession() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        var op = await cluster.StartOperatorAsync(ns, "operator-0", "--Operator:NetworkPolicy:Enabled=true", "--Operator:NetworkPolicy:DnsPorts:0=5353");
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync(Manifests.Session("fenced", source: Manifests.Nfs("/a"), destination: Manifests.Nfs("/b")));
        await cluster.WaitForJobAsync(ns, "fenced-master");
        var session = await cluster.WaitForSessionAsync(ns, "fenced", s => s.Status?.Pass == 1, "pass 1");

        // Made before the first pod, admitted by the server's validation, owned by the session.
        var policy = cluster.NetworkPolicy(ns, SessionNetworkPolicyBuilder.Name("fenced"));
        Assert.NotNull(policy);
        var owner = Assert.Single(policy.Metadata.OwnerReferences);
        Assert.Equal((session.Metadata.Uid, "ZkRsyncSession", true), (owner.Uid, owner.Kind, owner.Controller));
        Assert.Equal("fenced", policy.Spec.PodSelector.MatchLabels[SessionNames.LabelSession]);
        var zooKeeperPort = cluster.ZooKeeper.ConnectionString[(cluster.ZooKeeper.ConnectionString.LastIndexOf(':') + 1)..];
        Assert.Contains(policy.Spec.Egress, r => r.Ports.Any(p => p.Port.Value == zooKeeperPort));
        Assert.Contains(policy.Spec.Egress, r => r.Ports.Select(p => $"{p.Protocol}/{p.Port.Value}").SequenceEqual(["UDP/5353", "TCP/5353"])); // the configured DNS port
        var printed = await kubectl.RunAsync("get", "networkpolicies", "-o", "name");
        Assert.Equal("networkpolicy.networking.k8s.io/fenced-zkrsync", printed.Trim());

        // Deleted with the session (garbage-collected through its owner reference).
        (await kubectl.TryAsync("delete", "zkrs", "fenced", "--timeout=60s")).EnsureSuccess();
        await cluster.Changes.WaitAsync(() => cluster.NetworkPolicy(ns, SessionNetworkPolicyBuilder.Name("fenced")) is null, "the NetworkPolicy garbage-collected");
        OperatorClusterFixture.AssertPermitted(op);
    });

    [Fact]
    public Task MasterSummary_EndsThePass_FailedWithItsReasonAndPaths_AsKubectlShowsIt() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        await cluster.StartOperatorAsync(ns);
        var kubectl = cluster.Kubectl(ns);
        var kubelet = new PlayedKubelet(cluster.Admin, TimeProvider.System);
        await using var pass = await cluster.StartOwnedPassAsync(ns, "media", Manifests.Session("media", "  sources: 1\n", source: Manifests.Nfs("/export/old"), destination: Manifests.Nfs("/export/new")));
        var (session, zkSession, played) = (pass.Session, pass.ZkSession, pass.Played);
        var master = pass.Master;

        // While it runs: paths done, left and failed, bytes, the failed paths relative to the source with their errors.
        FailedPath[] failures =
        [
            new(WorkerDefaults.SourceMountPath + "/video/a.mkv", "rsync: write failed on \"video/a.mkv\": No space left on device (28)"),
            new(WorkerDefaults.SourceMountPath + "/video/b.mkv", "rsync: write failed on \"video/b.mkv\": No space left on device (28)"),
        ];
        await played.ReportAsync(PlayedMaster.Progress(total: 9, completed: 5, failed: 2, elapsedSeconds: 14, bytes: 8192, failedPaths: failures));
        session = await cluster.WaitForSessionAsync(ns, "media", s => s.Status?.Paths?.Failed == 2, "2 paths failed");
        Assert.Equal((9L, 5L, 2L, 2L), (session.Status.Paths!.Total, session.Status.Paths.Completed, session.Status.Paths.Failed, session.Status.Paths.Remaining));
        Assert.Equal((8192L, 8192L), (session.Status.Bytes!.Total, session.Status.Bytes.Transferred));
        Assert.Equal(77, session.Status.ProgressPercent);
        Assert.Equal(["video/a.mkv", "video/b.mkv"], session.Status.FailedPaths!.Select(f => f.Path));
        Assert.Equal(SessionPhase.Running, session.Status.Phase);
        var printed = await kubectl.RunAsync("get", "zkrs", "media");
        output.WriteLine(printed);
        var running = PrintedTable.Parse(printed).Rows.Single();
        Assert.Equal(("Running", "77", "2", "2", "4s"), (running["PHASE"], running["PROGRESS"], running["REMAINING"], running["FAILED"], running["ETA"]));

        // The master ends: the destination is full. Its summary's reason is the condition's reason.
        var waiting = kubectl.TryAsync("wait", "--for=condition=Failed", "zkrs/media", "--timeout=60s");
        await played.FinishAsync(played.Summary(completed: 5, failed: 4, reason: SessionEndReason.DestinationFull, failedPaths: [.. failures,
            new(WorkerDefaults.SourceMountPath + "/video/c.mkv", "rsync: mkstemp failed: No space left on device (28)"),
            new(WorkerDefaults.SourceMountPath + "/video/d.mkv", "rsync: mkstemp failed: No space left on device (28)")], bytes: 9000));
        await kubelet.FailJobAsync(master, "PodFailurePolicy", "Container zkrsync for pod media-master failed with exit code 3 matching FailJob rule at index 0");
        (await waiting).EnsureSuccess();
        session = await cluster.WaitForSessionAsync(ns, "media", s => s.Status?.Phase == SessionPhase.Failed && s.Status.CompletionTime is not null, "Failed");
        var failed = OperatorClusterFixture.ConditionOf(session, ConditionTypes.Failed)!;
        Assert.Equal(("True", ConditionReasons.DestinationFull), (failed.Status, failed.Reason));
        Assert.Contains("4 path(s) failed", failed.Message, StringComparison.Ordinal);
        Assert.True(OperatorClusterFixture.HasCondition(session, ConditionTypes.Ready, "False"));
        Assert.True(OperatorClusterFixture.HasCondition(session, ConditionTypes.Reconciling, "False"));
        Assert.Equal((9L, 5L, 4L, 0L), (session.Status.Paths!.Total, session.Status.Paths.Completed, session.Status.Paths.Failed, session.Status.Paths.Remaining));
        Assert.Equal(9000, session.Status.Bytes!.Transferred);
        Assert.Equal(["video/a.mkv", "video/b.mkv", "video/c.mkv", "video/d.mkv"], session.Status.FailedPaths!.Select(f => f.Path));
        Assert.All(session.Status.FailedPaths!, f => Assert.Contains("No space left on device", f.Error, StringComparison.Ordinal));
        var ended = PrintedTable.Parse(await kubectl.RunAsync("get", "zkrs", "media")).Rows.Single();
        Assert.Equal(("Failed", "0", "4"), (ended["PHASE"], ended["REMAINING"], ended["FAILED"]));

        // kubectl describe tells the story: the conditions and the events.
        var described = await kubectl.RunAsync("describe", "zkrs", "media");
        output.WriteLine(described);
        Assert.Contains(ConditionReasons.DestinationFull, described, StringComparison.Ordinal);
        Assert.Contains("video/d.mkv", described, StringComparison.Ordinal);
        await cluster.Changes.WaitAsync(() => cluster.Events(ns).Any(e => e.Reason == EventReasons.PathFailed && e.Type == "Warning"), "a PathFailed event");

        // The pass's record is in the status: its znodes go, and the numbers stay.
        await Znodes.WaitAsync(played.Client, ZnodeLayout.Session(zkSession), exists: false);
        Assert.Equal(4, cluster.Session(ns, "media")?.Status.Paths?.Failed);
    });

    [Fact]
    public Task OriginalMaster_WithoutProgressDocument_IsCountedFromItsQueues() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        await cluster.StartOperatorAsync(ns);
        var kubelet = new PlayedKubelet(cluster.Admin, TimeProvider.System);
        await cluster.Kubectl(ns).ApplyAsync(Manifests.Session("legacy", "  sources: 1\n  progressIntervalSeconds: 1\n",
            source: Manifests.Nfs("/export/old"), destination: Manifests.Nfs("/export/new")));
        var master = await cluster.WaitForJobAsync(ns, "legacy-master");
        var session = await cluster.WaitForSessionAsync(ns, "legacy", s => s.Status?.Pass == 1, "pass 1");
        var zkSession = SessionNames.ZooKeeperSession(ns.Name, "legacy", session.Metadata.Uid, 1);
        await using var played = await PlayedMaster.ConnectAsync(cluster.ZooKeeper.ConnectionString, zkSession, cluster.SessionCredentials(ns, "legacy"));
        await played.OwnSessionAsync();
        await cluster.WaitForJobAsync(ns, "legacy-sources");

        // The original's layout only: queue entries and stats counters, no S/progress, no S/summary.
        await played.QueueEntriesAsync(ZnodeLayout.PathQueue(zkSession), ["/data/source/d/1", "/data/source/d/2", "/data/source/d/3"]);
        await played.QueueEntriesAsync(ZnodeLayout.CompletedQueue(zkSession), ["/data/source/a", "/data/source/b", "/data/source/c", "/data/source/e"]);
        await played.QueueEntriesAsync(ZnodeLayout.FailedQueue(zkSession), ["/data/source/locked"]);
        await played.CounterAsync(ZnodeLayout.StatKeys[3], 5000);
        session = await cluster.WaitForSessionAsync(ns, "legacy", s => s.Status?.Paths?.Total == 8, "8 paths counted from the queues",
            timeout: TimeSpan.FromSeconds(30));
        Assert.Equal((4L, 1L, 3L), (session.Status.Paths!.Completed, session.Status.Paths.Failed, session.Status.Paths.Remaining));
        Assert.Equal(5000, session.Status.Bytes!.Transferred);
        var failedPath = Assert.Single(session.Status.FailedPaths!);
        Assert.Equal("locked", failedPath.Path);

        // It ends as the original does: the queue drained, the master's pod exits 0. The failed path fails the pass.
        await played.Client.DeleteRecursiveAsync(ZnodeLayout.QueueEntriesPath(ZnodeLayout.PathQueue(zkSession)));
        await kubelet.CompleteJobAsync(master);
        session = await cluster.WaitForSessionAsync(ns, "legacy", s => s.Status?.Phase == SessionPhase.Failed, "Failed");
        Assert.Equal(ConditionReasons.PathsFailed, OperatorClusterFixture.ConditionOf(session, ConditionTypes.Failed)!.Reason);
    });

    /// <summary>Plays pass <paramref name="pass"/> of <paramref name="name"/> to its successful end: the master owns the
    /// session, reports, writes its summary and exits 0; the worker Jobs complete. Returns the recorded session.</summary>
    private async Task<V1Alpha1ZkRsyncSession> RunPassToCompletionAsync(TestNamespace ns, string name, PlayedKubelet kubelet, int pass, long paths)
    {
        var master = await cluster.WaitForJobAsync(ns, SessionNames.Job(name, WorkerRole.Master), j => SessionNames.PassOf(j.Metadata.Labels) == pass);
        var session = await cluster.WaitForSessionAsync(ns, name, s => s.Status?.Pass == pass, $"pass {pass}");
        var zkSession = SessionNames.ZooKeeperSession(ns.Name, name, session.Metadata.Uid, pass);
        await using var played = await PlayedMaster.ConnectAsync(cluster.ZooKeeper.ConnectionString, zkSession, cluster.SessionCredentials(ns, name));
        await played.OwnSessionAsync();
        var sources = await cluster.WaitForJobAsync(ns, SessionNames.Job(name, WorkerRole.Sources), j => SessionNames.PassOf(j.Metadata.Labels) == pass);
        var destinations = await cluster.WaitForJobAsync(ns, SessionNames.Job(name, WorkerRole.Destinations), j => SessionNames.PassOf(j.Metadata.Labels) == pass);
        await played.ReportAsync(PlayedMaster.Progress(paths, paths));
        await played.FinishAsync(played.Summary(paths));
        foreach (var job in new[] { master, sources, destinations })
        {
            await kubelet.CompleteJobAsync(job);
        }

        var done = await cluster.WaitForSessionAsync(ns, name, s => s.Status?.Pass == pass && s.Status.Phase == SessionPhase.Succeeded
            && OperatorClusterFixture.HasCondition(s, ConditionTypes.Complete, "True") && OperatorClusterFixture.HasCondition(s, ConditionTypes.Ready, "True"), $"pass {pass} Succeeded");
        Assert.NotNull(done.Status.CompletionTime);
        Assert.Equal(100, done.Status.ProgressPercent);

        // The pass's record is written, so its znodes go.
        await Znodes.WaitAsync(played.Client, ZnodeLayout.Session(zkSession), exists: false);
        return done;
    }

    private async Task CreateClaimsAsync(TestNamespace ns, string accessMode)
    {
        await cluster.Admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Manifests.Claim("old-data", accessMode), ns.Name);
        await cluster.Admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Manifests.Claim("new-data", accessMode), ns.Name);
    }
}
