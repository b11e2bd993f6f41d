using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 1 (and 10): the chart's operator runs examples/basic.yaml, unchanged, on a generated tree.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BasicSessionTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-basic";

    [Fact]
    public Task BasicExample_AppliedWithKubectl_CopiesTheTreeAndReportsItsCountsColumnsAndEvents() => cluster.RunAsync(output, async () =>
    {
        Assert.Contains("STATUS: deployed", cluster.InstallOutput, StringComparison.Ordinal);
        var volumes = Path.Combine(cluster.Directory, "volumes", Namespace);
        var tree = DataTree.Create(Path.Combine(volumes, "old-data"), fanOut: 3, levels: 3, filesPerDirectory: 2, fileBytes: 4096);
        var destination = Path.Combine(volumes, "new-data");
        var kubectl = cluster.Kubectl(Namespace);
        await Volumes.CreateClaimAsync(kubectl, Namespace, "old-data", tree.Root);
        await Volumes.CreateClaimAsync(kubectl, Namespace, "new-data", destination);

        Assert.Contains("zkrsyncsession.zksync.io/basic created", await kubectl.RunAsync("apply", "-f", SessionManifest.BasicPath), StringComparison.Ordinal);
        await kubectl.RunAsync("wait", "--for=condition=Complete", "zkrs/basic", "--timeout=180s");

        TreeAssert.Identical(tree.Root, destination);
        var status = JsonNode.Parse(await kubectl.RunAsync("get", "zkrs", "basic", "-o", "json"))!["status"]!;
        output.WriteLine(status.ToJsonString());
        Assert.Equal("Succeeded", (string?)status["phase"]);
        Assert.Equal(100, (int?)status["progressPercent"]);
        var paths = status["paths"]!;
        Assert.Equal((tree.PathsToDepth2, tree.PathsToDepth2, 0L, 0L), ((long?)paths["total"], (long?)paths["completed"], (long?)paths["failed"], (long?)paths["remaining"]));
        Assert.Equal(tree.Files, (long?)status["files"]!["transferred"]);
        Assert.Equal((tree.Bytes, tree.Bytes), ((long?)status["bytes"]!["total"], (long?)status["bytes"]!["transferred"]));
        Assert.Null(status["failedPaths"]);

        var table = (await kubectl.RunAsync("get", "zkrs")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        output.WriteLine(string.Join('\n', table));
        Assert.Equal(["NAME", "PHASE", "PROGRESS", "REMAINING", "FAILED", "ETA", "AGE"], table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["basic", "Succeeded", "100", "0", "0"], table[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..5]);

        var events = await kubectl.RunAsync("get", "events", "--field-selector", "involvedObject.kind=ZkRsyncSession,involvedObject.name=basic",
            "-o", "jsonpath={range .items[*]}{.reason}{\"\\n\"}{end}");
        output.WriteLine(events);
        Assert.Contains("SessionStarted", events, StringComparison.Ordinal);
        Assert.Contains("Completed", events, StringComparison.Ordinal);
    });

    [Fact]
    public Task RefusalLog_NamesTheRefusedServiceAccount_SoAnOperator403WouldFailEveryScenario() => cluster.RunAsync(output, async () =>
    {
        // The worker account has no API access: its call is refused and the log the scenarios check names it.
        var worker = $"system:serviceaccount:{EndToEndCluster.ReleaseNamespace}:{EndToEndCluster.Fullname}-worker";
        var refused = await cluster.Kubectl(Namespace).TryAsync("get", "pods", "--as=" + worker);
        Assert.Contains("Forbidden", refused.Error, StringComparison.Ordinal);
        Assert.NotEmpty(cluster.Refusals(worker));
    });
}
