using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 3: a source pod killed mid-run is replaced by its Job and the session completes with nothing lost,
/// every Job of it complete. (The destination's and the master's cases are not here: see the README's end-to-end
/// section.)</summary>
[Collection(EndToEndCollection.Name)]
public sealed class WorkerFaultTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-faults";

    [Theory]
    [InlineData("source")]
    public Task WorkerPodKilledMidRun_IsReplaced_AndTheSessionCompletesWithNothingLost(string role) => cluster.RunAsync(output, async () =>
    {
        var session = await RunningSession.StartAsync(cluster, Namespace, "kill-" + role);
        await session.WaitUntilMidRunAsync();
        var victim = (await session.PodsAsync(role))[0];
        output.WriteLine($"killing {victim}");
        await session.Kubectl.RunAsync("delete", victim, "--grace-period=0", "--force", "--wait=false");

        var status = await session.WaitForCompleteAndCheckAsync();
        output.WriteLine(status.ToJsonString());
        Assert.DoesNotContain(victim, await session.Kubectl.RunAsync("get", "pods", "-o", "name"), StringComparison.Ordinal);
        await session.Kubectl.RunAsync("wait", "--for=condition=Complete", "jobs", "-l", "zksync.io/session=" + session.Name, "--timeout=60s");
    });
}
