using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.EndToEnd.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>
/// Scenario 3: a worker pod deleted mid-run. A source force-deleted is replaced by its Job. A master or a destination
/// deleted as a user or a node drain does it (SIGTERM, then the grace period): the master suspends the session and it
/// and every worker it stopped exit 4 (stopped before the session ended), a destination that gets SIGTERM itself does
/// too; the Jobs replace those pods (podFailurePolicy Ignore), the new master resumes the session. Each time the same
/// pass completes with nothing lost and nothing left behind (the destination holds exactly the source's tree: no
/// <c>.zkrsync-tmp</c>), every Job of it complete.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WorkerFaultTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-faults";

    [Theory]
    [InlineData("source", true)]
    [InlineData("master", false)]
    [InlineData("destination", false)]
    public Task WorkerPodDeletedMidRun_IsReplaced_AndTheSamePassCompletesWithNothingLostOrLeftBehind(string role, bool force) => cluster.RunAsync(output, async () =>
    {
        // ReadWriteOnce claims no pod used before: every pod of the session goes with its other pods (a required pod
        // affinity), so the Job's replacement master cannot land on a node where the claims are not attached.
        var session = await RunningSession.StartAsync(cluster, Namespace, "kill-" + role, accessMode: "ReadWriteOnce");
        await session.WaitUntilMidRunAsync();
        var victim = (await session.PodsAsync(role))[0];
        var victimNode = await session.Kubectl.RunAsync("get", victim, "-o", "jsonpath={.spec.nodeName}");
        output.WriteLine($"deleting {victim}{(force ? " (forced)" : "")}");
        await session.Kubectl.RunAsync(force ? ["delete", victim, "--grace-period=0", "--force", "--wait=false"] : ["delete", victim, "--wait=false"]);

        var status = await session.WaitForCompleteAndCheckAsync();
        output.WriteLine(status.ToJsonString());
        Assert.Equal(1, (int?)status["pass"]);
        Assert.DoesNotContain(victim, await session.Kubectl.RunAsync("get", "pods", "-o", "name"), StringComparison.Ordinal);
        await session.Kubectl.RunAsync("wait", "--for=condition=Complete", "jobs", "-l", "zksync.io/session=" + session.Name, "--timeout=60s");
        if (role == "master")
        {
            // The suspending master stopped the other workers with exit 4; their Jobs replaced them instead of completing.
            Assert.Contains(ExitCodes.Stopped, await session.ExitCodesAsync());

            // The replacement master, and every other pod of the session, ran on the first master's node, where the
            // ReadWriteOnce claims were attached (of three nodes: an unpinned replacement went to another one, and the
            // resumed pass never completed).
            var nodes = (await session.Kubectl.RunAsync("get", "pods", "-l", "zksync.io/session=" + session.Name, "-o",
                    "jsonpath={range .items[*]}{.metadata.labels.zksync\\.io/role} {.metadata.name} {.spec.nodeName}{\"\\n\"}{end}"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).ToList();
            output.WriteLine(string.Join('\n', nodes.Select(pod => string.Join(' ', pod))));
            Assert.Contains(nodes, pod => pod[0] == "master" && "pod/" + pod[1] != victim);
            Assert.All(nodes, pod => Assert.Equal(victimNode, pod[2]));
        }
    });
}
