using ZkSync.Testing;
using Xunit.Abstractions;

namespace ZkSync.ZooKeeper.Tests.Infrastructure;

public sealed class ZooKeeperEnsembleTests(ZooKeeperEnsembleFixture fixture, ITestOutputHelper output)
    : IClassFixture<ZooKeeperEnsembleFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public Task ZooKeeperEnsemble_WhenStarted_HasOneLeaderAndTwoFollowers() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);

            var modes = await Task.WhenAll(fixture.Ensemble.Members.Select(member => member.GetModeAsync(timeout.Token)));

            Assert.Equal(["follower", "follower", "leader"], modes.Order());
            Assert.Equal(3, fixture.ConnectionString.Split(',').Distinct().Count());
        });

    [Fact]
    public Task ZooKeeperEnsemble_WhenStarted_ServesKazooThroughEveryMember() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            var path = $"/ensemble/{Guid.NewGuid():N}";
            (await KazooScript.RunAsync(KazooScripts.CreateAndRead, [fixture.ConnectionString, path, "replicated"], null, null, timeout.Token))
                .EnsureSuccess();

            foreach (var member in fixture.Ensemble.Members)
            {
                // A follower may lag behind the leader; kazoo's sync() makes the read see the write.
                const string syncAndRead = """
                    import sys
                    from kazoo.client import KazooClient
                    zk = KazooClient(hosts=sys.argv[1], timeout=10.0)
                    zk.start(timeout=30)
                    zk.sync(sys.argv[2])
                    print(zk.get(sys.argv[2])[0].decode())
                    zk.stop()
                    zk.close()
                    """;
                var read = (await KazooScript.RunAsync(syncAndRead, [member.ConnectionString, path], null, null, timeout.Token)).EnsureSuccess();
                Assert.Equal("replicated", read.StandardOutput.Trim());
            }
        });

    [Fact]
    public async Task ZooKeeperEnsemble_WhenLeaderKilled_ElectsANewLeaderAndTheRestartedMemberRejoins()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var ensemble = await ZooKeeperEnsemble.StartNewAsync(null, timeout.Token);
        await LogOnFailure.RunAsync(output, () => ensemble.Log, async () =>
        {
            var oldLeader = await ensemble.WaitForQuorumAsync(timeout.Token);

            await oldLeader.KillAsync(timeout.Token);
            var newLeader = await ensemble.WaitForQuorumAsync(timeout.Token);
            (await KazooScript.RunAsync(KazooScripts.CreateAndRead, [ensemble.ConnectionString, "/failover", "served"], null, null, timeout.Token))
                .EnsureSuccess();
            await oldLeader.StartAsync(timeout.Token);
            await ensemble.WaitForQuorumAsync(timeout.Token);

            Assert.NotSame(oldLeader, newLeader);
            Assert.Equal("follower", await oldLeader.GetModeAsync(timeout.Token));
            var read = (await KazooScript.RunAsync(KazooScripts.Read, [oldLeader.ConnectionString, "/failover"], null, null, timeout.Token))
                .EnsureSuccess();
            Assert.Equal("served", read.StandardOutput.Trim());
        });
    }

    [Fact]
    public async Task ZooKeeperEnsemble_WhenMajorityStopped_RefusesToWaitForAQuorum()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var ensemble = await ZooKeeperEnsemble.StartNewAsync(null, timeout.Token);

        await ensemble.Members[0].StopAsync(timeout.Token);
        await ensemble.Members[1].KillAsync(timeout.Token);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ensemble.WaitForQuorumAsync(timeout.Token));

        Assert.Contains("Only 1 of 3", failure.Message, StringComparison.Ordinal);
    }
}
