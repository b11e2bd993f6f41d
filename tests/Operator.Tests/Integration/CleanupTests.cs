using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;
using ZkSync.Operator.Tests.Integration.Support;

namespace ZkSync.Operator.Tests.Integration;

/// <summary>
/// Deleting a session while its ZooKeeper is down: the finalizer removes the Jobs, then cannot remove the znodes,
/// says so (Stalled/CleanupBlocked, an Event) and retries until ZooKeeper is back, or until an admin says to skip it.
/// (A class of its own: it stops the class's ZooKeeper server.)
/// </summary>
public sealed class CleanupTests(OperatorClusterFixture cluster, ITestOutputHelper output) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public Task Delete_WithZooKeeperDown_IsBlockedAndSaysSo_ThenCompletesWhenItIsBack() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        await cluster.StartOperatorAsync(ns);
        var kubectl = cluster.Kubectl(ns);
        var (zkSession, played) = await StartPassAsync(ns, "blocked");
        await using (played)
        {
            await cluster.ZooKeeper.StopAsync(CancellationToken.None);
            try
            {
                (await kubectl.TryAsync("delete", "zkrs", "blocked", "--wait=false")).EnsureSuccess();
                var session = await cluster.WaitForSessionAsync(ns, "blocked",
                    s => OperatorClusterFixture.HasCondition(s, ConditionTypes.Stalled, "True", ConditionReasons.CleanupBlocked), "Stalled: CleanupBlocked");
                Assert.Contains(cluster.ZooKeeper.ConnectionString, OperatorClusterFixture.ConditionOf(session, ConditionTypes.Stalled)!.Message, StringComparison.Ordinal);
                Assert.Contains(SessionNames.SkipCleanupAnnotation, session.Status.Message, StringComparison.Ordinal);
                Assert.Empty(cluster.Jobs(ns)); // the Jobs went first
                await cluster.Changes.WaitAsync(() => cluster.Events(ns).Any(e => e.Reason == EventReasons.CleanupBlocked && e.Type == "Warning"), "a CleanupBlocked event");
            }
            finally
            {
                await cluster.ZooKeeper.StartAsync(CancellationToken.None);
            }

            await cluster.Changes.WaitAsync(() => cluster.Session(ns, "blocked") is null, "the session gone once ZooKeeper is back", timeout: TimeSpan.FromSeconds(60));
            Assert.Null(await played.Client.ExistsAsync(ZnodeLayout.Session(zkSession)));
        }
    });

    [Fact]
    public Task Delete_WithZooKeeperDown_AndSkipCleanup_RemovesTheFinalizerAnyway() => cluster.RunAsync(output, async () =>
    {
        var ns = await cluster.CreateNamespaceAsync();
        await cluster.StartOperatorAsync(ns);
        var kubectl = cluster.Kubectl(ns);
        var (_, played) = await StartPassAsync(ns, "skipped");
        await played.DisposeAsync();
        await cluster.ZooKeeper.StopAsync(CancellationToken.None);
        try
        {
            (await kubectl.TryAsync("delete", "zkrs", "skipped", "--wait=false")).EnsureSuccess();
            await cluster.WaitForSessionAsync(ns, "skipped", s => OperatorClusterFixture.HasCondition(s, ConditionTypes.Stalled, "True", ConditionReasons.CleanupBlocked), "CleanupBlocked");
            (await kubectl.TryAsync("annotate", "zkrs", "skipped", $"{SessionNames.SkipCleanupAnnotation}=true")).EnsureSuccess();
            await cluster.Changes.WaitAsync(() => cluster.Session(ns, "skipped") is null, "the session gone without its ZooKeeper cleanup");
        }
        finally
        {
            await cluster.ZooKeeper.StartAsync(CancellationToken.None);
        }
    });

    private async Task<(string ZkSession, PlayedMaster Played)> StartPassAsync(TestNamespace ns, string name)
    {
        var pass = await cluster.StartOwnedPassAsync(ns, name, Manifests.Session(name, "  sources: 1\n", source: Manifests.Nfs("/a"), destination: Manifests.Nfs("/b")));
        return (pass.ZkSession, pass.Played);
    }
}
