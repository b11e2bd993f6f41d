using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 5: <c>spec.suspend</c> mid-pass stops every pod and keeps the pass; resumed, the same pass completes
/// with nothing lost or left behind. A new <c>spec.trigger.manual</c> value starts a second pass that syncs what changed
/// after the first.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SuspendAndTriggerTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-suspend";

    [Fact]
    public Task SuspendedMidPass_StopsEveryPod_AndResumed_CompletesTheSamePassWithNothingLostOrLeftBehind() => cluster.RunAsync(output, async () =>
    {
        var session = await RunningSession.StartAsync(cluster, Namespace, "paused");
        var kubectl = session.Kubectl;
        await session.WaitUntilMidRunAsync();

        await kubectl.RunAsync("patch", "zkrs", session.Name, "--type=merge", "-p", """{"spec":{"suspend":true}}""");
        await kubectl.RunAsync("wait", "--for=jsonpath={.status.phase}=Suspended", "zkrs/" + session.Name, "--timeout=60s");
        await session.WaitUntilNoPodRunsAsync();
        var suspended = await session.StatusAsync();
        output.WriteLine(suspended.ToJsonString());
        Assert.True((long?)suspended["paths"]?["remaining"] > 0, "the pass ended before it was suspended: nothing to resume");
        var jobsSuspended = (await kubectl.RunAsync("get", "jobs", "-l", "zksync.io/session=" + session.Name, "-o", "jsonpath={.items[*].spec.suspend}"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["true", "true", "true"], jobsSuspended);

        await kubectl.RunAsync("patch", "zkrs", session.Name, "--type=merge", "-p", """{"spec":{"suspend":false}}""");

        var status = await session.WaitForCompleteAndCheckAsync();
        output.WriteLine(status.ToJsonString());
        Assert.Equal(1, (int?)status["pass"]);
    });

    [Fact]
    public Task ManualTrigger_StartsASecondPass_ThatSyncsAChangeMadeAfterTheFirst() => cluster.RunAsync(output, async () =>
    {
        var session = await RunningSession.StartAsync(cluster, Namespace, "triggered", secondsPerPath: 0.2);
        var kubectl = session.Kubectl;
        var first = await session.WaitForCompleteAndCheckAsync();
        Assert.Equal(1, (int?)first["pass"]);

        var changed = Path.Combine(session.Tree.Root, "dir-1-1", "dir-2-2", "file-0.bin");
        File.WriteAllBytes(changed, [.. File.ReadAllBytes(changed), .. "appended after the first pass"u8]);
        File.WriteAllText(Path.Combine(session.Tree.Root, "dir-1-0", "new-after-first-pass.txt"), "new\n");
        await kubectl.RunAsync("patch", "zkrs", session.Name, "--type=merge", "-p", """{"spec":{"trigger":{"manual":"second"}}}""");
        await kubectl.RunAsync("wait", "--for=jsonpath={.status.lastManualSync}=second", "zkrs/" + session.Name, "--timeout=180s");
        var second = await session.WaitForCompleteAndCheckAsync();
        Assert.Equal(2, (int?)second["pass"]);
    });
}
