using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 7: the operator's pod killed mid-run; the Deployment's new pod takes the lease over and finishes the
/// session without duplicating its Jobs. The same with two replicas: the leader killed, the other pod (the standby, or
/// the leader's replacement if it starts first) takes over.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class OperatorFailoverTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-operator";

    [Fact]
    public Task OperatorPodKilledMidRun_ItsReplacementCompletesTheSession_WithoutDuplicateJobs() => cluster.RunAsync(output, async () =>
    {
        var session = await RunningSession.StartAsync(cluster, Namespace, "orphaned", secondsPerPath: 3);
        var operators = cluster.Kubectl(EndToEndCluster.ReleaseNamespace);
        const string selector = "app.kubernetes.io/component=operator";
        await session.WaitUntilMidRunAsync();
        var jobs = await JobUidsAsync(session);
        Assert.Equal(3, jobs.Count);
        var killed = (await operators.RunAsync("get", "pods", "-l", selector, "-o", "name")).Trim();
        output.WriteLine($"killing {killed}");
        await operators.RunAsync("delete", killed, "--grace-period=0", "--force", "--wait=false");

        var status = await session.WaitForCompleteAndCheckAsync("240s");
        output.WriteLine(status.ToJsonString());
        var holder = await operators.RunAsync("get", "lease", EndToEndCluster.Fullname, "-o", "jsonpath={.spec.holderIdentity}");
        Assert.NotEqual(killed.Split('/')[1], holder);
        Assert.Contains(holder, await operators.RunAsync("get", "pods", "-l", selector, "-o", "name"), StringComparison.Ordinal);
        // The same three Jobs (by uid): the new leader adopted them, created none.
        Assert.Equal(jobs, await JobUidsAsync(session));
    });

    [Fact]
    public Task LeaderKilledWithTwoReplicas_TheNewLeaderCompletesTheSession_WithoutDuplicateJobs() => cluster.RunAsync(output, async () =>
    {
        var operators = cluster.Kubectl(EndToEndCluster.ReleaseNamespace);
        const string selector = "app.kubernetes.io/component=operator";
        await operators.RunAsync("scale", "deployment", EndToEndCluster.Fullname, "--replicas=2");
        try
        {
            await operators.RunAsync("rollout", "status", "deployment/" + EndToEndCluster.Fullname, "--timeout=120s");
            var session = await RunningSession.StartAsync(cluster, Namespace, "standby", secondsPerPath: 3);
            await session.WaitUntilMidRunAsync();
            var jobs = await JobUidsAsync(session);
            Assert.Equal(3, jobs.Count);
            var pods = (await operators.RunAsync("get", "pods", "-l", selector, "--field-selector=status.phase=Running", "-o", "name"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('/')[1]).ToList();
            Assert.Equal(2, pods.Count);
            var leader = await operators.RunAsync("get", "lease", EndToEndCluster.Fullname, "-o", "jsonpath={.spec.holderIdentity}");
            Assert.Contains(leader, pods);
            output.WriteLine($"killing the leader {leader}; standing by: {pods.Single(p => p != leader)}");
            await operators.RunAsync("delete", "pod", leader, "--grace-period=0", "--force", "--wait=false");

            var status = await session.WaitForCompleteAndCheckAsync("240s");
            output.WriteLine(status.ToJsonString());
            var holder = await operators.RunAsync("get", "lease", EndToEndCluster.Fullname, "-o", "jsonpath={.spec.holderIdentity}");
            Assert.NotEqual(leader, holder);
            Assert.Contains(holder, await operators.RunAsync("get", "pods", "-l", selector, "-o", "name"), StringComparison.Ordinal);
            // The same three Jobs (by uid): the new leader adopted them, created none.
            Assert.Equal(jobs, await JobUidsAsync(session));
        }
        finally
        {
            // The other scenarios run against the release as installed: one replica.
            await operators.RunAsync("scale", "deployment", EndToEndCluster.Fullname, "--replicas=1");
            await operators.RunAsync("rollout", "status", "deployment/" + EndToEndCluster.Fullname, "--timeout=120s");
        }
    });

    private static async Task<IReadOnlyList<string>> JobUidsAsync(RunningSession session) =>
        (await session.Kubectl.RunAsync("get", "jobs", "-l", "zksync.io/session=" + session.Name, "-o", "jsonpath={range .items[*]}{.metadata.name}={.metadata.uid}{\"\\n\"}{end}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
}
