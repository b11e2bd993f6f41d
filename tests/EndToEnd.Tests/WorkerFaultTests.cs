using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 3: a worker pod killed mid-run (a source, a destination, the master) is replaced by its Job and the
/// session completes with nothing lost.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class WorkerFaultTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-faults";

    [Theory]
    [InlineData("source")]
    [InlineData("destination")]
    [InlineData("master")]
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
    });
}
