using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 2: a running session's status shows its progress (progressIntervalSeconds: 1).</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ProgressTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-progress";

    [Fact]
    public Task RunningSession_ShowsRemainingPathsFalling_ThenCompletes() => cluster.RunAsync(output, async () =>
    {
        var volumes = Path.Combine(cluster.Directory, "volumes", Namespace);
        var tree = DataTree.Create(Path.Combine(volumes, "old-data"), fanOut: 3, levels: 2, filesPerDirectory: 3, fileBytes: 64 * 1024);
        var destination = Path.Combine(volumes, "new-data");
        var kubectl = cluster.Kubectl(Namespace);
        await Volumes.CreateClaimAsync(kubectl, Namespace, "old-data", tree.Root);
        await Volumes.CreateClaimAsync(kubectl, Namespace, "new-data", destination);
        // --bwlimit (KiB/s per rsync) stretches the pass to several seconds, so that the status is seen mid-way, and batches
        // of one path spread the completions over it (the 13 paths would otherwise go in about one batch per source, all
        // ending together).
        await kubectl.ApplyAsync(SessionManifest.FromBasic("progress", spec =>
        {
            spec["progressIntervalSeconds"] = 1;
            spec["rsync"] = new JsonObject { ["batch"] = 1, ["extraArgs"] = new JsonArray("--bwlimit=100") };
        }));

        var seen = new List<long>();
        var final = await Eventually.ValueAsync(async () =>
        {
            var status = JsonNode.Parse(await kubectl.RunAsync("get", "zkrs", "progress", "-o", "jsonpath={.status}") is { Length: > 0 } s ? s : "{}")!;
            if ((string?)status["phase"] == "Running" && (long?)status["paths"]?["remaining"] is { } remaining && (seen.Count == 0 || seen[^1] != remaining))
            {
                seen.Add(remaining);
            }

            return status;
        }, status => (string?)status["phase"] is "Succeeded" or "Failed", TimeSpan.FromMinutes(3));

        output.WriteLine("remaining while running: " + string.Join(", ", seen));
        Assert.Equal("Succeeded", (string?)final["phase"]);
        var falls = seen.Zip(seen.Skip(1)).Count(pair => pair.Second < pair.First);
        Assert.True(falls >= 2, $"remaining paths fell {falls} time(s) while running: {string.Join(", ", seen)}");
        Assert.True(seen.Zip(seen.Skip(1)).All(pair => pair.Second <= pair.First), $"remaining paths rose: {string.Join(", ", seen)}");
        Assert.Equal(0L, (long?)final["paths"]!["remaining"]);
        Assert.Equal(tree.PathsToDepth2, (long?)final["paths"]!["completed"]);
        TreeAssert.Identical(tree.Root, destination);
    });
}
