using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 4: a directory the sources cannot read (they run as user 1000, it is root's with mode 0700) ends the
/// session Failed with that path and rsync's error in <c>failedPaths</c>, after a bounded number of attempts: every Job
/// finishes and no pass starts again; everything else is synced.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class UnreadablePathTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-unreadable";

    private const string Unreadable = "dir-1-2/dir-2-0";

    [Fact]
    public Task DirectoryTheSourcesCannotRead_FailsTheSessionWithThatPathAndRsyncsError_WithoutEndlessRetries() => cluster.RunAsync(output, async () =>
    {
        var session = await RunningSession.StartAsync(cluster, Namespace, "unreadable", secondsPerPath: 0.2, change: spec =>
            spec["workers"] = new JsonObject { ["securityContext"] = new JsonObject { ["runAsUser"] = 1000, ["runAsGroup"] = 1000 } },
            prepare: tree => File.SetUnixFileMode(Path.Combine(tree.Root, Unreadable), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        var kubectl = session.Kubectl;

        await kubectl.RunAsync("wait", "--for=jsonpath={.status.phase}=Failed", "zkrs/" + session.Name, "--timeout=180s");
        var status = await session.StatusAsync();
        output.WriteLine(status.ToJsonString());
        var failed = Assert.Single(status["failedPaths"]!.AsArray());
        Assert.Equal(Unreadable, ((string?)failed!["path"])?.Trim('/'));
        Assert.Contains("Permission denied", (string?)failed["error"], StringComparison.Ordinal);
        var paths = status["paths"]!;
        Assert.Equal((session.Tree.PathsToDepth2 - 1L, 1L, 0L), ((long?)paths["completed"], (long?)paths["failed"], (long?)paths["remaining"]));

        // No endless retries: every pod of the pass ends, and the session stays Failed in its first pass.
        await Eventually.ValueAsync(
            async () => await kubectl.RunAsync("get", "pods", "-l", "zksync.io/session=" + session.Name,
                "--field-selector=status.phase!=Succeeded,status.phase!=Failed", "-o", "name"),
            pods => pods.Trim().Length == 0, TimeSpan.FromMinutes(1));
        var after = await session.StatusAsync();
        Assert.Equal(("Failed", 1), ((string?)after["phase"], (int?)after["pass"]));

        // Everything else arrived byte for byte.
        TreeAssert.Identical(session.Tree.Root, session.Destination, excluded: Unreadable);
    });
}
