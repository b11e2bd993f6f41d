using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 9: invalid sessions are refused by the CRD's schema (kubectl says why) or reported in a condition by
/// the operator; nothing is started for them. A session whose worker pods the cluster refuses (a service account that does
/// not exist) is reported from the Jobs' FailedCreate events (and so uses the chart's permission to list events).</summary>
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

        // What only the operator can see: a claim that does not exist, a claim only one pod may mount, worker pods the
        // cluster refuses (reported once the operator's grace for pod creation has passed: applied first, checked last).
        var volumes = Path.Combine(cluster.Directory, "volumes", Namespace);
        await Volumes.CreateClaimAsync(kubectl, Namespace, "old-data", Path.Combine(volumes, "old-data"));
        await Volumes.CreateClaimAsync(kubectl, Namespace, "new-data", Path.Combine(volumes, "new-data"));
        await kubectl.ApplyAsync(SessionManifest.FromBasic("no-account", spec => spec["workers"] = new JsonObject { ["serviceAccountName"] = "no-such-account" }));
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
        Assert.Equal(["exclusive", "missing", "no-account"], (await kubectl.RunAsync("get", "zkrs", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => n.Split('/')[1]).Order(StringComparer.Ordinal));

        await kubectl.RunAsync("wait", "--for=jsonpath={.status.conditions[?(@.type==\"Stalled\")].reason}=PodCreationRefused", "zkrs/no-account", "--timeout=90s");
        var refused = await kubectl.RunAsync("get", "zkrs", "no-account", "-o", "jsonpath={.status.conditions[?(@.type==\"Stalled\")].message}");
        output.WriteLine(refused);
        Assert.Contains("serviceaccount \"no-such-account\" not found", refused, StringComparison.Ordinal);
        Assert.Equal("", (await kubectl.RunAsync("get", "pods", "-o", "name")).Trim());
        Assert.All((await kubectl.RunAsync("get", "jobs", "-o", "jsonpath={.items[*].metadata.ownerReferences[0].name}")).Split(' ', StringSplitOptions.RemoveEmptyEntries),
            owner => Assert.Equal("no-account", owner));
        // Its Jobs would keep trying to create pods: the session is deleted (the finalizer waits for the operator's cleanup),
        // and the Jobs go with it.
        await kubectl.RunAsync("delete", "zkrs", "no-account", "--timeout=90s");
        await Eventually.ValueAsync(async () => (await kubectl.RunAsync("get", "jobs", "-o", "name")).Trim(), jobs => jobs.Length == 0, TimeSpan.FromSeconds(60));
    });
}
