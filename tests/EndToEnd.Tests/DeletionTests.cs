using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;
using ZkSync.LocalCluster.Tests.Support;
using ZkSync.Testing;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 6: a session deleted mid-run takes its Jobs and its ZooKeeper nodes with it, its finalizer is
/// removed, and the data is left alone; deleted while ZooKeeper is down, a condition says cleanup is blocked and the
/// cleanup completes once ZooKeeper is back.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class DeletionTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-delete";

    private const string SessionFinalizer = "zksync.io/cleanup";

    [Fact]
    public Task SessionDeletedMidRun_RemovesItsJobsAndZnodes_AndLeavesTheSourceAsItWas() => cluster.RunAsync(output, async () =>
    {
        var session = await RunningSession.StartAsync(cluster, Namespace, "doomed");
        var kubectl = session.Kubectl;
        var status = await session.WaitUntilMidRunAsync();
        var znode = (string?)status["zookeeperPath"];
        Assert.False(string.IsNullOrEmpty(znode), status.ToJsonString());
        Assert.True(await ExistsAsync(znode!), $"{znode} should exist while the session runs");
        Assert.Equal(3, (await JobsAsync(kubectl, session.Name)).Count);

        // kubectl delete waits for the object to go: that is, for the operator to remove its finalizer.
        Assert.Contains("deleted", await kubectl.RunAsync("delete", "zkrs", session.Name, "--timeout=120s"), StringComparison.Ordinal);
        await Eventually.ValueAsync(() => JobsAsync(kubectl, session.Name), jobs => jobs.Count == 0, TimeSpan.FromMinutes(1));
        Assert.False(await ExistsAsync(znode!), $"{znode} is still in ZooKeeper");
        Assert.Equal("", (await kubectl.TryAsync("get", "zkrs", session.Name, "-o", "name", "--ignore-not-found")).Output.Trim());

        // Deleting a session never touches the data: the source is still the tree it was.
        var pristine = DataTree.Create(Path.Combine(cluster.Directory, "pristine", session.Name), fanOut: 3, levels: 2, filesPerDirectory: 3, fileBytes: 32 * 1024);
        TreeAssert.Identical(pristine.Root, session.Tree.Root);
    });

    [Fact]
    public Task SessionDeletedWhileZooKeeperIsDown_SaysCleanupIsBlocked_AndCompletesWhenZooKeeperReturns() => cluster.RunAsync(output, async () =>
    {
        var session = await RunningSession.StartAsync(cluster, Namespace, "zk-down");
        var kubectl = session.Kubectl;
        var status = await session.WaitUntilMidRunAsync();
        var znode = (string?)status["zookeeperPath"];
        Assert.False(string.IsNullOrEmpty(znode), status.ToJsonString());

        await cluster.ZooKeeper.StopAsync(CancellationToken.None);
        try
        {
            await kubectl.RunAsync("delete", "zkrs", session.Name, "--wait=false");
            // The session stays, its finalizer kept, with a condition saying why.
            await kubectl.RunAsync("wait", "--for=jsonpath={.status.conditions[?(@.type==\"Stalled\")].reason}=CleanupBlocked",
                "zkrs/" + session.Name, "--timeout=120s");
            var message = await kubectl.JsonPathAsync("zkrs/" + session.Name, "{.status.conditions[?(@.type==\"Stalled\")].message}");
            output.WriteLine(message);
            Assert.Contains("ZooKeeper", message, StringComparison.Ordinal);
            Assert.Contains(SessionFinalizer, await kubectl.JsonPathAsync("zkrs/" + session.Name, "{.metadata.finalizers}"), StringComparison.Ordinal);
        }
        finally
        {
            await cluster.ZooKeeper.StartAsync(CancellationToken.None);
        }

        await kubectl.RunAsync("wait", "--for=delete", "zkrs/" + session.Name, "--timeout=180s");
        await Eventually.ValueAsync(() => JobsAsync(kubectl, session.Name), jobs => jobs.Count == 0, TimeSpan.FromMinutes(1));
        Assert.False(await ExistsAsync(znode!), $"{znode} is still in ZooKeeper");
    });

    private static async Task<IReadOnlyList<string>> JobsAsync(Kubectl kubectl, string session) =>
        (await kubectl.RunAsync("get", "jobs", "-l", "zksync.io/session=" + session, "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private async Task<bool> ExistsAsync(string path)
    {
        var result = await KazooScript.RunAsync(
            "import sys\nfrom kazoo.client import KazooClient\nzk = KazooClient(hosts=sys.argv[1])\nzk.start(timeout=20)\n" +
            "print('yes' if zk.exists(sys.argv[2]) else 'no')\nzk.stop()\n",
            [cluster.ZooKeeper.ConnectionString, path], null, null, CancellationToken.None);
        return result.EnsureSuccess().StandardOutput.Trim() == "yes";
    }
}
