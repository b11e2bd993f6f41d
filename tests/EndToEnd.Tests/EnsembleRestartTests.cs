using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;
using ZkSync.Testing;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 8: a session on a 3-member ensemble of its own (<c>spec.zookeeper</c>, with credentials from a
/// Secret) whose members are restarted one after another mid-run, as a StatefulSet rolls: the session completes, nothing
/// lost, and no worker container restarted or failed.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class EnsembleRestartTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-ensemble";

    /// <summary>A tick of 1 s lets sessions last up to 20 s: an election after a restarted leader takes a few seconds on
    /// a loaded machine.</summary>
    private static readonly ZooKeeperServerOptions EnsembleOptions = ZooKeeperServerOptions.Default with { TickTime = TimeSpan.FromSeconds(1) };

    [Fact]
    public Task EnsembleRestartedMemberByMemberMidRun_TheSessionCompletesWithNothingLost_AndNoWorkerCrashes() => cluster.RunAsync(output, async () =>
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var ensemble = await ZooKeeperEnsemble.StartNewAsync(EnsembleOptions, timeout.Token);
        var kubectl = cluster.Kubectl(Namespace);
        await kubectl.RunAsync("create", "secret", "generic", "ensemble-credentials", "--from-literal=user=ensemble-session",
            "--from-literal=password=" + Guid.NewGuid().ToString("N"));
        // About 6 s per path: the pass outlasts three restarts, however long each takes here.
        var session = await RunningSession.StartAsync(cluster, Namespace, "rolled", secondsPerPath: 6, change: spec =>
            spec["zookeeper"] = new JsonObject
            {
                ["servers"] = ensemble.ConnectionString,
                ["credentialsSecretRef"] = new JsonObject { ["name"] = "ensemble-credentials" },
            });
        await session.WaitUntilMidRunAsync();

        foreach (var member in ensemble.Members)
        {
            Assert.Equal("Running", (string?)(await session.StatusAsync())["phase"]);
            await member.StopAsync(timeout.Token);
            await member.StartAsync(timeout.Token);
            await ensemble.WaitForQuorumAsync(timeout.Token);
            output.WriteLine($"{member.Name} restarted at {DateTimeOffset.Now:HH:mm:ss.fff}");
        }

        var status = await session.WaitForCompleteAndCheckAsync();
        output.WriteLine(status.ToJsonString());
        // No worker crashed: every Job complete, no container of the session restarted, no pod of its Jobs failed.
        await kubectl.RunAsync("wait", "--for=condition=Complete", "jobs", "-l", "zksync.io/session=" + session.Name, "--timeout=60s");
        var restarts = await kubectl.RunAsync("get", "pods", "-l", "zksync.io/session=" + session.Name,
            "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.status.containerStatuses[*].restartCount}{\"\\n\"}{end}");
        output.WriteLine(restarts);
        Assert.All(restarts.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(@"^\S+ Succeeded 0$", line));
        Assert.Equal("", (await kubectl.RunAsync("get", "jobs", "-l", "zksync.io/session=" + session.Name,
            "-o", "jsonpath={.items[*].status.failed}")).Trim());
    });
}
