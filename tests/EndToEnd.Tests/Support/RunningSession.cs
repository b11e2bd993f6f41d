using System.Globalization;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>
/// A session of examples/basic.yaml's shape over a generated tree, on claims of its own (<c>NAME-old</c>,
/// <c>NAME-new</c>), slowed by rsync's <c>--bwlimit</c> so a scenario can act while it runs; then its status through
/// kubectl and the check every scenario ends with.
/// </summary>
public sealed class RunningSession
{
    private RunningSession(string name, DataTree tree, string destination, Kubectl kubectl)
    {
        Name = name;
        Tree = tree;
        Destination = destination;
        Kubectl = kubectl;
    }

    public string Name { get; }

    public DataTree Tree { get; }

    public string Destination { get; }

    public Kubectl Kubectl { get; }

    /// <summary>Creates the tree, the claims (of <paramref name="accessMode"/>) and the session: 3 sources and 3 destinations, depth 2, 13 paths whose
    /// rsyncs each take about <paramref name="secondsPerPath"/> s. <paramref name="prepare"/> may change the tree before
    /// the session sees it.</summary>
    public static async Task<RunningSession> StartAsync(EndToEndCluster cluster, string ns, string name, double secondsPerPath = 2,
        Action<JsonObject>? change = null, Action<DataTree>? prepare = null, string accessMode = "ReadWriteOnce")
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var volumes = Path.Combine(cluster.Directory, "volumes", ns);
        const int fileBytes = 32 * 1024;
        var tree = DataTree.Create(Path.Combine(volumes, name + "-old"), fanOut: 3, levels: 2, filesPerDirectory: 3, fileBytes: fileBytes);
        prepare?.Invoke(tree);
        var destination = Path.Combine(volumes, name + "-new");
        var kubectl = cluster.Kubectl(ns);
        await Volumes.CreateClaimAsync(kubectl, ns, name + "-old", tree.Root, accessMode);
        await Volumes.CreateClaimAsync(kubectl, ns, name + "-new", destination, accessMode);
        // A leaf directory holds 3 files of 32-48 KiB: --bwlimit in KiB/s makes its rsync last secondsPerPath.
        var bandwidth = Math.Max(1, (int)(3 * 40 / secondsPerPath));
        await kubectl.ApplyAsync(SessionManifest.FromBasic(name, spec =>
        {
            spec["source"] = new JsonObject { ["claimName"] = name + "-old" };
            spec["destination"] = new JsonObject { ["claimName"] = name + "-new" };
            spec["progressIntervalSeconds"] = 1;
            // One path per rsync run: each path is reported done on its own, so the pass is seen under way (a source
            // takes up to its share of the queue per run by default, and 13 paths would finish in two reports).
            spec["rsync"] = new JsonObject { ["batch"] = 1, ["extraArgs"] = new JsonArray($"--bwlimit={bandwidth}") };
            change?.Invoke(spec);
        }));
        return new RunningSession(name, tree, destination, kubectl);
    }

    public async Task<JsonNode> StatusAsync() =>
        JsonNode.Parse(await Kubectl.RunAsync("get", "zkrs", Name, "-o", "jsonpath={.status}") is { Length: > 0 } s ? s : "{}")!;

    /// <summary>Waits until the pass is under way: Running, some paths done, some left.</summary>
    public Task<JsonNode> WaitUntilMidRunAsync() => Eventually.ValueAsync(StatusAsync, status =>
        (string?)status["phase"] == "Running" && (long?)status["paths"]?["completed"] > 0 && (long?)status["paths"]?["remaining"] > 0,
        TimeSpan.FromMinutes(2));

    /// <summary>The session's running pods of one role (master, source, destination).</summary>
    public async Task<IReadOnlyList<string>> PodsAsync(string role) =>
        (await Kubectl.RunAsync("get", "pods", "-l", $"zksync.io/session={Name},zksync.io/role={role}",
            "--field-selector=status.phase=Running", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The exit codes of the session's pods that have ended and are still in the API.</summary>
    public async Task<IReadOnlyList<int>> ExitCodesAsync() =>
        [.. (await Kubectl.RunAsync("get", "pods", "-l", "zksync.io/session=" + Name, "-o",
                "jsonpath={range .items[*]}{.status.containerStatuses[0].state.terminated.exitCode}{\"\\n\"}{end}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(code => int.Parse(code, CultureInfo.InvariantCulture))];

    /// <summary>Waits until none of the session's pods runs (a suspension deleted them).</summary>
    public Task WaitUntilNoPodRunsAsync() => Eventually.ValueAsync(
        () => Kubectl.RunAsync("get", "pods", "-l", "zksync.io/session=" + Name, "--field-selector=status.phase!=Succeeded,status.phase!=Failed", "-o", "name"),
        pods => pods.Trim().Length == 0,
        TimeSpan.FromMinutes(2));

    /// <summary>Waits for Complete, then checks what every scenario ends with: the destination is the source, byte for
    /// byte, and the status counts every path completed, none failed or left.</summary>
    public async Task<JsonNode> WaitForCompleteAndCheckAsync(string timeout = "180s")
    {
        await Kubectl.RunAsync("wait", "--for=condition=Complete", "zkrs/" + Name, "--timeout=" + timeout);
        TreeAssert.Identical(Tree.Root, Destination);
        var status = await StatusAsync();
        Assert.Equal("Succeeded", (string?)status["phase"]);
        var paths = status["paths"]!;
        Assert.Equal((Tree.PathsToDepth2, 0L, 0L), ((long?)paths["completed"], (long?)paths["failed"], (long?)paths["remaining"]));
        return status;
    }
}
