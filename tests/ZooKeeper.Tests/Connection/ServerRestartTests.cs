using Xunit.Abstractions;
using ZkSync.ZooKeeper.Tests.Support;
using static ZkSync.ZooKeeper.Tests.Support.TestData;

namespace ZkSync.ZooKeeper.Tests.Connection;

/// <summary>The server goes away and comes back within the session timeout. The class has its own
/// server, which its tests stop and start again.</summary>
public sealed class ServerRestartTests(ClientServerFixture fixture, ITestOutputHelper output) : IClassFixture<ClientServerFixture>
{
    private static readonly ReadOnlyMemory<byte> None = ReadOnlyMemory<byte>.Empty;

    [Fact]
    public Task Session_WhenTheServerRestartsWithinTheSessionTimeout_SurvivesWithItsEphemeralNodesAndWatches() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var client = await t.Chroot.ConnectAsync(t.Token, sessionTimeout: TimeSpan.FromSeconds(30));
            var session = client.SessionId;
            await client.CreateAsync("/ephemeral", Utf8("mine"), Acl.OpenUnsafe, CreateMode.Ephemeral, t.Token);
            await client.CreateAsync("/watched", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var events = new EventQueue<WatchedEvent>();
            await client.GetDataAsync("/watched", events.Add, t.Token);
            await client.GetChildrenAsync("/", events.Add, t.Token);
            var states = new EventQueue<ZooKeeperState>();
            client.StateChanged += (_, state) => states.Add(state);

            await fixture.Server.StopAsync(t.Token);
            Assert.Equal(ZooKeeperState.Disconnected, await states.NextAsync("Disconnected"));
            var waiting = client.GetDataAsync("/ephemeral", cancellationToken: t.Token);
            await fixture.Server.StartAsync(t.Token);
            Assert.Equal(ZooKeeperState.Connected, await states.NextAsync("Connected", TimeSpan.FromSeconds(30)));

            Assert.Equal("mine", Text((await waiting).Data));
            Assert.Equal(session, client.SessionId);
            await using var other = await t.Chroot.ConnectAsync(t.Token);
            Assert.Equal(session, (await other.ExistsAsync("/ephemeral", cancellationToken: t.Token))!.EphemeralOwner);
            await other.SetDataAsync("/watched", Utf8("after the restart"), cancellationToken: t.Token);
            Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, "/watched"), await events.NextAsync("the re-armed data watch"));
            await other.CreateAsync("/new-child", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            Assert.Equal(new WatchedEvent(WatchEventType.NodeChildrenChanged, ZooKeeperState.Connected, "/"), await events.NextAsync("the re-armed child watch"));
        });

    [Fact]
    public Task Requests_InFlightWhenTheServerIsKilled_FailWithConnectionLoss_AndTheClientReconnectsAfterItsRestart() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            // The client talks through a proxy that holds the server's replies: every request below is
            // provably in flight (handled by the server, unanswered) when the server dies.
            await using var proxy = new TcpProxy(fixture.Server.Port);
            await using var client = await t.Chroot.ConnectThroughAsync(proxy, t.Token, sessionTimeout: TimeSpan.FromSeconds(30));
            var states = new EventQueue<ZooKeeperState>();
            client.StateChanged += (_, state) => states.Add(state);
            var applied = new EventQueue<WatchedEvent>();
            Assert.Null(await t.Client.ExistsAsync("/last", applied.Add, t.Token));

            proxy.HoldReplies();
            var reads = Enumerable.Range(0, 200).Select(_ => client.ExistsAsync("/", cancellationToken: t.Token)).ToList();
            var last = client.CreateAsync("/last", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await applied.NextAsync("the server to handle every request (the create comes last)");
            await fixture.Server.KillAsync(t.Token);
            proxy.Block(); // the dead server's connection ends, with the replies it held undelivered

            foreach (var read in reads)
            {
                await Assert.ThrowsAsync<ConnectionLossException>(() => read);
            }

            Assert.Equal("/last", (await Assert.ThrowsAsync<ConnectionLossException>(() => last)).Path);
            Assert.Equal(ZooKeeperState.Disconnected, await states.NextAsync("Disconnected"));
            proxy.ReleaseReplies();
            proxy.Unblock();
            await fixture.Server.StartAsync(t.Token);
            Assert.Equal(ZooKeeperState.Connected, await states.NextAsync("Connected", TimeSpan.FromSeconds(30)));

            // The create was applied although its caller saw ConnectionLoss: a retry must expect that.
            Assert.NotNull(await ZooKeeperRetryPolicy.Default.ExecuteAsync(token => client.ExistsAsync("/last", cancellationToken: token), t.Token));
        });
}
