using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 9: invalid sessions are refused by the CRD's schema (kubectl says why) or reported in a condition by
/// the operator; nothing is started for them.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class InvalidSessionTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-invalid";

    [Fact]
    public Task InvalidSessions_AreRefusedOrReported_AndNothingStarts() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(Namespace);
        var negative = await kubectl.TryWithInputAsync(SessionManifest.FromBasic("negative", spec => spec["sources"] = -1), "apply", "-f", "-");
        Assert.False(negative.Succeeded);
        Assert.Contains("spec.sources: Invalid value: -1", negative.Error, StringComparison.Ordinal);
        var rsh = await kubectl.TryWithInputAsync(SessionManifest.FromBasic("rsh", spec =>
            spec["rsync"] = new JsonObject { ["extraArgs"] = new JsonArray("--rsh=ssh -p 2222") }), "apply", "-f", "-");
        Assert.False(rsh.Succeeded);
        Assert.Contains("--rsh is not allowed", rsh.Error, StringComparison.Ordinal);

        // What only the operator can see: a claim that does not exist, a claim only one pod may mount.
        var volumes = Path.Combine(cluster.Directory, "volumes", Namespace);
        await Volumes.CreateClaimAsync(kubectl, Namespace, "new-data", Path.Combine(volumes, "new-data"));
        await Volumes.CreateClaimAsync(kubectl, Namespace, "pod-only", Path.Combine(volumes, "pod-only"), "ReadWriteOncePod");
        await kubectl.ApplyAsync(SessionManifest.FromBasic("missing", spec => spec["source"] = new JsonObject { ["claimName"] = "no-such-claim" }));
        await kubectl.ApplyAsync(SessionManifest.FromBasic("exclusive", spec => spec["source"] = new JsonObject { ["claimName"] = "pod-only" }));
        await kubectl.RunAsync("wait", "--for=jsonpath={.status.conditions[?(@.type==\"Stalled\")].reason}=ClaimNotFound", "zkrs/missing", "--timeout=60s");
        await kubectl.RunAsync("wait", "--for=condition=Failed", "zkrs/exclusive", "--timeout=60s");

        Assert.Contains("PersistentVolumeClaim no-such-claim not found",
            await kubectl.RunAsync("get", "zkrs", "missing", "-o", "jsonpath={.status.conditions[?(@.type==\"Stalled\")].message}"), StringComparison.Ordinal);
        Assert.Equal("Pending", await kubectl.RunAsync("get", "zkrs", "missing", "-o", "jsonpath={.status.phase}"));
        Assert.Equal("VolumeAccessMode", await kubectl.RunAsync("get", "zkrs", "exclusive", "-o", "jsonpath={.status.conditions[?(@.type==\"Failed\")].reason}"));
        Assert.Contains("ReadWriteOncePod", await kubectl.RunAsync("get", "zkrs", "exclusive", "-o", "jsonpath={.status.message}"), StringComparison.Ordinal);
        Assert.Equal(["exclusive", "missing"], (await kubectl.RunAsync("get", "zkrs", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => n.Split('/')[1]).Order(StringComparer.Ordinal));
        Assert.Equal("", (await kubectl.RunAsync("get", "jobs,pods", "-o", "name")).Trim());
    });
}
