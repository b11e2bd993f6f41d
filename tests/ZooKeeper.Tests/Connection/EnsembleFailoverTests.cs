using System.Globalization;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Tests.Support;
using static ZkSync.ZooKeeper.Tests.Support.TestData;

namespace ZkSync.ZooKeeper.Tests.Connection;

/// <summary>A three-member ensemble: the client moves between members with its session.</summary>
public sealed class EnsembleFailoverTests(ZooKeeperEnsembleFixture fixture, ITestOutputHelper output) : IClassFixture<ZooKeeperEnsembleFixture>
{
    private static readonly ReadOnlyMemory<byte> None = ReadOnlyMemory<byte>.Empty;

    [Fact]
    public Task Session_WhenTheMemberHoldingTheConnectionIsKilled_MovesToAnotherMemberWithTheSameSession() =>
        fixture.RunWithLogOnFailureAsync(output, () => ClientTest.RunAsync(fixture.ConnectionString, output, async t =>
        {
            await using var client = await t.Chroot.ConnectAsync(t.Token, sessionTimeout: TimeSpan.FromSeconds(30));
            var session = client.SessionId;
            await client.CreateAsync("/ephemeral", None, Acl.OpenUnsafe, CreateMode.Ephemeral, t.Token);
            await client.CreateAsync("/watched", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var events = new EventQueue<WatchedEvent>();
            await client.GetDataAsync("/watched", events.Add, t.Token);
            var states = new EventQueue<ZooKeeperState>();
            client.StateChanged += (_, state) => states.Add(state);
            var holder = await FindMemberServingAsync(session, t.Token);

            try
            {
                await holder.KillAsync(t.Token);
                Assert.Equal(ZooKeeperState.Disconnected, await states.NextAsync("Disconnected"));
                Assert.Equal(ZooKeeperState.Connected, await states.NextAsync("Connected", TimeSpan.FromSeconds(30)));

                var newHolder = await FindMemberServingAsync(session, t.Token);
                Assert.NotSame(holder, newHolder);
                Assert.Equal(session, client.SessionId);
                await client.SyncAsync("/ephemeral", t.Token);
                Assert.Equal(session, (await client.ExistsAsync("/ephemeral", cancellationToken: t.Token))!.EphemeralOwner);
                await using (var other = await ZooKeeperClient.ConnectAsync(t.Chroot.Options() with { ConnectionString = newHolder.ConnectionString + t.Chroot.Path }, t.Token))
                {
                    await other.SetDataAsync("/watched", Utf8("changed after the failover"), cancellationToken: t.Token);
                }

                Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, "/watched"), await events.NextAsync("the re-armed watch"));
            }
            finally
            {
                await holder.StartAsync(t.Token);
                await fixture.Ensemble.WaitForQuorumAsync(t.Token);
            }
        }));

    [Fact]
    public Task Reconnect_AfterADroppedConnection_MovesOnToTheNextMember() =>
        fixture.RunWithLogOnFailureAsync(output, () => ClientTest.RunAsync(fixture.ConnectionString, output, async t =>
        {
            var states = new EventQueue<ZooKeeperState>();
            var visited = new List<ZooKeeperServer> { (await FindMembersServingAsync(t.Client.SessionId, t.Token)).Single() };
            t.Client.StateChanged += (_, state) => states.Add(state);

            for (var i = 0; i < 2; i++)
            {
                t.Client.DropConnection();
                await states.UntilAsync(state => state == ZooKeeperState.Connected, "the reconnect");
                // The member left may not have noticed the closed connection yet: the new one is the other.
                var serving = await FindMembersServingAsync(t.Client.SessionId, t.Token);
                visited.Add(Assert.Single(serving, member => member != visited[^1]));
            }

            // Round robin, as the Java client and kazoo do: a member that just failed is tried last.
            Assert.Equal(fixture.Ensemble.Members.Count, visited.Distinct().Count());
        }));

    /// <summary>The member whose <c>cons</c> lists the session (after a failover: the one it moved to).</summary>
    private async Task<ZooKeeperServer> FindMemberServingAsync(long sessionId, CancellationToken cancellationToken) =>
        (await FindMembersServingAsync(sessionId, cancellationToken)).Single();

    /// <summary>The running members whose <c>cons</c> lists a connection of the session.</summary>
    private async Task<List<ZooKeeperServer>> FindMembersServingAsync(long sessionId, CancellationToken cancellationToken)
    {
        var marker = string.Create(CultureInfo.InvariantCulture, $"sid=0x{sessionId:x}");
        var serving = new List<ZooKeeperServer>();
        foreach (var member in fixture.Ensemble.Members.Where(member => member.IsRunning))
        {
            var connections = await member.SendCommandAsync("cons", cancellationToken);
            if (connections.Contains(marker, StringComparison.Ordinal))
            {
                serving.Add(member);
            }
        }

        return serving.Count > 0 ? serving : throw new InvalidOperationException($"No running member lists session {marker} in 'cons'.");
    }
}
