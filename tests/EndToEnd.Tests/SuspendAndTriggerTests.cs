using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;

namespace ZkSync.EndToEnd.Tests;

/// <summary>Scenario 5 (the manual trigger): a new <c>spec.trigger.manual</c> value starts a second pass that syncs what
/// changed after the first.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SuspendAndTriggerTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    private const string Namespace = "e2e-suspend";

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
