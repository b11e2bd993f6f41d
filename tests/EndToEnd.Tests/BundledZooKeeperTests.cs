using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 11: the default install (<c>zookeeper.enabled=true</c>): a second release whose operator uses the
/// chart's own 3-member ZooKeeper StatefulSet, run from the stand-in for the official image (tests/e2e/zookeeper-image,
/// Debian's ZooKeeper behind the image's entrypoint at /docker-entrypoint.sh), and scenario 1's session on it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BundledZooKeeperTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-bundled";

    private const string Release = "bundled";

    [Fact]
    public Task DefaultInstall_WithTheChartsZooKeeper_RunsTheBasicSessionToCompletion() => cluster.RunAsync(output, async () =>
    {
        var helm = cluster.Helm(Namespace);
        var install = await helm.TryAsync(
            "install", Release, Repository.Chart, "--create-namespace",
            "--set", "image.repository=" + EndToEndCluster.Image.Split(':')[0],
            "--set", "image.tag=" + EndToEndCluster.Image.Split(':')[1],
            // No default StorageClass here (claims are bound to host directories by hand), and a small heap: 3 JVMs on 2 cores.
            "--set", "zookeeper.persistence.enabled=false",
            "--set", "zookeeper.heapMegabytes=128",
            "--wait", "--timeout", "240s");
        try
        {
            Assert.True(install.Succeeded, $"{install}\n{await cluster.DiagnosticsAsync(Namespace)}");
            var kubectl = cluster.Kubectl(Namespace);
            Assert.Equal("3", await kubectl.JsonPathAsync("statefulsets", "{.items[0].status.readyReplicas}"));

            var session = await RunningSession.StartAsync(cluster, Namespace, "on-bundled", secondsPerPath: 0.2);
            var status = await session.WaitForCompleteAndCheckAsync();
            output.WriteLine(status.ToJsonString());
            Assert.Equal(1, (int?)status["pass"]);
        }
        finally
        {
            // Three JVMs and a second operator would weigh on the scenarios after this one.
            await helm.TryAsync("uninstall", Release, "--wait", "--timeout", "120s");
        }
    });
}
