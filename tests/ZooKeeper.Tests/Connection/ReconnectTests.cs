using Xunit.Abstractions;
using ZkSync.ZooKeeper.Tests.Support;
using static ZkSync.ZooKeeper.Tests.Support.TestData;

namespace ZkSync.ZooKeeper.Tests.Connection;

/// <summary>
/// Watches across a reconnect: the server forgets a connection's watches when it closes, so the
/// client re-arms them with SetWatches (and its last zxid) on the new connection; the server then
/// fires at once those whose node changed meanwhile. The client reaches the server through a
/// <see cref="TcpProxy"/>, blocked while another client changes things.
/// </summary>
public sealed class ReconnectTests(ClientServerFixture fixture, ITestOutputHelper output) : IClassFixture<ClientServerFixture>
{
    private static readonly ReadOnlyMemory<byte> None = ReadOnlyMemory<byte>.Empty;

    [Fact]
    public Task Watches_WhenTheirNodesChangeWhileDisconnected_FireAfterTheReconnect() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var proxy = new TcpProxy(fixture.Server.Port);
            await using var client = await t.Chroot.ConnectThroughAsync(proxy, t.Token);
            await client.CreateAsync("/data", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await client.CreateAsync("/doomed", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await client.CreateAsync("/parent", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var events = new EventQueue<WatchedEvent>();
            await client.GetDataAsync("/data", events.Add, t.Token);
            await client.GetDataAsync("/doomed", events.Add, t.Token);
            await client.GetChildrenAsync("/parent", events.Add, t.Token);
            Assert.Null(await client.ExistsAsync("/born", events.Add, t.Token));
            var states = new EventQueue<ZooKeeperState>();
            client.StateChanged += (_, state) => states.Add(state);

            proxy.Block();
            Assert.Equal(ZooKeeperState.Disconnected, await states.NextAsync("Disconnected"));
            await t.Client.SetDataAsync("/data", Utf8("changed"), cancellationToken: t.Token);
            await t.Client.DeleteAsync("/doomed", cancellationToken: t.Token);
            await t.Client.CreateAsync("/parent/child", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.CreateAsync("/born", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            proxy.Unblock();

            Assert.Equal(ZooKeeperState.Connected, await states.NextAsync("Connected"));
            var fired = new List<WatchedEvent>();
            for (var i = 0; i < 4; i++)
            {
                fired.Add(await events.NextAsync("the four watches to fire for what changed while disconnected"));
            }

            Assert.Equivalent(
                new[]
                {
                    new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, "/data"),
                    new WatchedEvent(WatchEventType.NodeDeleted, ZooKeeperState.Connected, "/doomed"),
                    new WatchedEvent(WatchEventType.NodeChildrenChanged, ZooKeeperState.Connected, "/parent"),
                    new WatchedEvent(WatchEventType.NodeCreated, ZooKeeperState.Connected, "/born"),
                },
                fired);
        });

    [Fact]
    public Task Watch_UnchangedWhileDisconnected_IsReArmedAndFiresForALaterChange() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var proxy = new TcpProxy(fixture.Server.Port);
            await using var client = await t.Chroot.ConnectThroughAsync(proxy, t.Token);
            await client.CreateAsync("/quiet", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var events = new EventQueue<WatchedEvent>();
            await client.GetDataAsync("/quiet", events.Add, t.Token);
            await client.GetChildrenAsync("/quiet", events.Add, t.Token);
            var states = new EventQueue<ZooKeeperState>();
            client.StateChanged += (_, state) => states.Add(state);

            proxy.Block();
            Assert.Equal(ZooKeeperState.Disconnected, await states.NextAsync("Disconnected"));
            proxy.Unblock();
            Assert.Equal(ZooKeeperState.Connected, await states.NextAsync("Connected"));
            await t.Client.SetDataAsync("/quiet", Utf8("after the reconnect"), cancellationToken: t.Token);
            var dataChanged = await events.NextAsync("the re-armed data watch");
            await t.Client.CreateAsync("/quiet/child", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var childrenChanged = await events.NextAsync("the re-armed child watch");

            Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, "/quiet"), dataChanged);
            Assert.Equal(new WatchedEvent(WatchEventType.NodeChildrenChanged, ZooKeeperState.Connected, "/quiet"), childrenChanged);
        });

    [Fact]
    public Task ManyWatches_AreAllReArmedAfterAReconnect() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            const int count = 300;
            var names = Enumerable.Range(0, count).Select(i => $"/watched-node-with-a-longish-name-{i:D4}").ToList();
            await t.Client.MultiAsync([.. names.Select(name => Op.Create(name, None, Acl.OpenUnsafe))], t.Token);
            var events = new EventQueue<WatchedEvent>();
            await Task.WhenAll(names.Select(name => t.Client.GetDataAsync(name, events.Add, t.Token)));
            var states = new EventQueue<ZooKeeperState>();
            t.Client.StateChanged += (_, state) => states.Add(state);

            t.Client.DropConnection();
            await states.UntilAsync(state => state == ZooKeeperState.Connected, "the reconnect");
            await using var other = await t.Chroot.ConnectAsync(t.Token);
            await other.MultiAsync([.. names.Select(name => Op.SetData(name, Utf8("x")))], t.Token);

            var fired = new HashSet<string>();
            for (var i = 0; i < count; i++)
            {
                fired.Add((await events.NextAsync($"all {count} re-armed watches to fire ({fired.Count} so far)")).Path!);
            }

            Assert.Equal(names.ToHashSet(), fired);
        });
}
