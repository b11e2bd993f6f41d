using k8s;
using k8s.Models;
using Xunit.Abstractions;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Tests.Integration.Support;

namespace ZkSync.Operator.Tests.Integration;

/// <summary>
/// Bad sessions: what the CRD's schema and CEL rules refuse at the API server (seen through the real kubectl, with the
/// message a user reads), and what only the operator can see (claims), reported in the status with nothing started.
/// </summary>
public sealed class SessionValidationTests(OperatorClusterFixture cluster, ITestOutputHelper output) : IClassFixture<OperatorClusterFixture>
{
    [Theory]
    [InlineData("this-name-is-far-too-long-for-a-session-x", "", "metadata.name: at most 40 characters")]
    [InlineData("rsh", "  rsync: {extraArgs: [\"--bwlimit=10m\", \"--rsh=ssh -p 2222\"]}\n", "--rsh is not allowed")]
    [InlineData("filesfrom", "  rsync: {extraArgs: [\"--files-from=/etc/passwd\"]}\n", "--files-from is not allowed")]
    [InlineData("daemon", "  rsync: {extraArgs: [\"--daemon\"]}\n", "--daemon is not allowed")]
    [InlineData("negative", "  sources: -1\n", "spec.sources: Invalid value: -1")]
    [InlineData("zero-depth", "  depth: -2\n", "spec.depth: Invalid value: -2")]
    [InlineData("hostpath", "", "spec.source.volume: Invalid value: \"object\": volume: hostPath is not allowed", "{volume: {hostPath: {path: /etc}}}")]
    [InlineData("inline-claim", "", "volume: use claimName for a PersistentVolumeClaim", "{volume: {persistentVolumeClaim: {claimName: old-data}}}")]
    public Task InvalidSpec_IsRefusedByTheApiServer_NamingTheProblem(string name, string spec, string message, string? source = null) => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        var result = await cluster.Kubectl(ns).TryWithInputAsync(Manifests.Session(name, spec, source ?? "{claimName: old-data}"), "apply", "-f", "-");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Null(cluster.Session(ns, name));
    });

    [Fact]
    public Task ChangingTheSourceOrZooKeeper_IsRefused() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync(Manifests.Session("fixed", "  zookeeper: {servers: \"zk-0:2181\"}\n"));
        var source = await kubectl.TryWithInputAsync(Manifests.Session("fixed", "  zookeeper: {servers: \"zk-0:2181\"}\n", source: "{claimName: other}"), "apply", "-f", "-");
        Assert.Contains("spec.source is immutable", source.Error, StringComparison.Ordinal);
        var zooKeeper = await kubectl.TryWithInputAsync(Manifests.Session("fixed", "  zookeeper: {servers: \"zk-1:2181\"}\n"), "apply", "-f", "-");
        Assert.Contains("spec.zookeeper is immutable", zooKeeper.Error, StringComparison.Ordinal);
        Assert.Equal("old-data", cluster.Session(ns, "fixed")?.Spec.Source.ClaimName);
    });

    [Fact]
    public Task MissingClaim_StallsTheSession_ReadWriteOncePodFailsIt_AndNothingStarts() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        await cluster.StartOperatorAsync(ns);
        var kubectl = cluster.Kubectl(ns);
        await cluster.Admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Manifests.Claim("new-data", "ReadWriteOnce"), ns.Name);
        await kubectl.ApplyAsync(Manifests.Session("missing"));
        var missing = await cluster.WaitForSessionAsync(ns, "missing", s => OperatorClusterFixture.HasCondition(s, ConditionTypes.Stalled, "True", ConditionReasons.ClaimNotFound), "Stalled: ClaimNotFound");
        Assert.Contains("spec.source.claimName: PersistentVolumeClaim old-data not found", OperatorClusterFixture.ConditionOf(missing, ConditionTypes.Stalled)!.Message, StringComparison.Ordinal);
        Assert.Equal(SessionPhase.Pending, missing.Status.Phase);

        await cluster.Admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Manifests.Claim("pod-only", "ReadWriteOncePod"), ns.Name);
        await kubectl.ApplyAsync(Manifests.Session("exclusive", source: "{claimName: pod-only}"));
        var exclusive = await cluster.WaitForSessionAsync(ns, "exclusive", s => s.Status?.Phase == SessionPhase.Failed, "Failed");
        Assert.True(OperatorClusterFixture.HasCondition(exclusive, ConditionTypes.Failed, "True", ConditionReasons.VolumeAccessMode));
        Assert.Contains("ReadWriteOncePod", exclusive.Status.Message, StringComparison.Ordinal);
        Assert.Empty(cluster.Jobs(ns));
    });

    [Fact]
    public Task ReadWriteOnceClaimInUse_PinsTheMasterToItsNode_WithItsTolerations() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        await cluster.StartOperatorAsync(ns);
        await cluster.Admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Manifests.Claim("old-data", "ReadWriteOnce"), ns.Name);
        await cluster.Admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Manifests.Claim("new-data", "ReadWriteMany"), ns.Name);

        // The application still runs on node-7 with the claim mounted (a pod the kubelet reports Running).
        var app = await cluster.Admin.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "app" },
            Spec = new V1PodSpec
            {
                NodeName = "node-7",
                Tolerations = [new V1Toleration { Key = "dedicated", OperatorProperty = "Equal", Value = "storage", Effect = "NoSchedule" }],
                Containers = [new V1Container { Name = "app", Image = "app:1" }],
                Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "old-data" } }],
            },
        }, ns.Name);
        await cluster.Admin.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch("""{"status":{"phase":"Running"}}""", V1Patch.PatchType.MergePatch), app.Metadata.Name, ns.Name);

        await cluster.Kubectl(ns).ApplyAsync(Manifests.Session("pinned"));
        var master = await cluster.WaitForJobAsync(ns, "pinned-master");
        var pod = master.Spec.Template.Spec;
        var pin = Assert.Single(Assert.Single(pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms).MatchFields);
        Assert.Equal(("metadata.name", "In", "node-7"), (pin.Key, pin.OperatorProperty, Assert.Single(pin.Values)));
        Assert.Contains(pod.Tolerations, t => t.Key == "dedicated" && t.Value == "storage");
    });
}
