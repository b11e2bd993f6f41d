using Xunit.Abstractions;
using ZkSync.ZooKeeper.Tests.Support;
using static ZkSync.ZooKeeper.Tests.Support.TestData;

namespace ZkSync.ZooKeeper.Tests.Client;

/// <summary>
/// One-shot watches against a real server. "Fires exactly once" is checked without waiting for
/// nothing: after the second change, a sentinel watch is triggered; events are delivered in the
/// order the server sent them, so once the sentinel's event is in, a second firing would be too.
/// </summary>
public sealed class WatchTests(ClientServerFixture fixture, ITestOutputHelper output) : IClassFixture<ClientServerFixture>
{
    private static readonly ReadOnlyMemory<byte> None = ReadOnlyMemory<byte>.Empty;

    [Fact]
    public Task DataWatch_FiresOnceOnTheFirstDataChange() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", Utf8("0"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var events = new EventQueue<WatchedEvent>();
            await t.Client.GetDataAsync("/n", events.Add, t.Token);
            await using var other = await t.Chroot.ConnectAsync(t.Token);

            await other.SetDataAsync("/n", Utf8("1"), cancellationToken: t.Token);
            var fired = await events.NextAsync("NodeDataChanged for /n");
            await other.SetDataAsync("/n", Utf8("2"), cancellationToken: t.Token);
            await TriggerSentinelAsync(t, other);

            Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, "/n"), fired);
            Assert.Empty(events.Drain());
        });

    [Fact]
    public Task DataWatch_FiresNodeDeletedWhenTheNodeGoes() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var events = new EventQueue<WatchedEvent>();
            await t.Client.GetDataAsync("/n", events.Add, t.Token);

            await t.Client.DeleteAsync("/n", cancellationToken: t.Token);

            Assert.Equal(new WatchedEvent(WatchEventType.NodeDeleted, ZooKeeperState.Connected, "/n"), await events.NextAsync("NodeDeleted for /n"));
        });

    [Fact]
    public Task ExistsWatch_OnAMissingNode_FiresNodeCreatedOnce() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var events = new EventQueue<WatchedEvent>();
            Assert.Null(await t.Client.ExistsAsync("/later", events.Add, t.Token));
            await using var other = await t.Chroot.ConnectAsync(t.Token);

            await other.CreateAsync("/later", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var fired = await events.NextAsync("NodeCreated for /later");
            await other.SetDataAsync("/later", Utf8("changed"), cancellationToken: t.Token);
            await other.DeleteAsync("/later", cancellationToken: t.Token);
            await TriggerSentinelAsync(t, other);

            Assert.Equal(new WatchedEvent(WatchEventType.NodeCreated, ZooKeeperState.Connected, "/later"), fired);
            Assert.Empty(events.Drain());
        });

    [Fact]
    public Task ExistsWatch_OnAnExistingNode_FiresOnDataChange() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var events = new EventQueue<WatchedEvent>();
            Assert.NotNull(await t.Client.ExistsAsync("/n", events.Add, t.Token));

            await t.Client.SetDataAsync("/n", Utf8("x"), cancellationToken: t.Token);

            Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, "/n"), await events.NextAsync("NodeDataChanged for /n"));
        });

    [Fact]
    public Task ChildWatch_FiresOnceWhenAChildIsCreated() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/p", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var events = new EventQueue<WatchedEvent>();
            await t.Client.GetChildrenAsync("/p", events.Add, t.Token);
            await using var other = await t.Chroot.ConnectAsync(t.Token);

            await other.CreateAsync("/p/a", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var fired = await events.NextAsync("NodeChildrenChanged for /p");
            await other.CreateAsync("/p/b", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await other.SetDataAsync("/p", Utf8("data changes do not fire child watches"), cancellationToken: t.Token);
            await TriggerSentinelAsync(t, other);

            Assert.Equal(new WatchedEvent(WatchEventType.NodeChildrenChanged, ZooKeeperState.Connected, "/p"), fired);
            Assert.Empty(events.Drain());
        });

    [Fact]
    public Task ChildWatch_FiresWhenAChildIsDeleted_AndNodeDeletedWhenTheParentGoes() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/p", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.CreateAsync("/p/a", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var events = new EventQueue<WatchedEvent>();

            await t.Client.GetChildrenAsync("/p", events.Add, t.Token);
            await t.Client.DeleteAsync("/p/a", cancellationToken: t.Token);
            var childDeleted = await events.NextAsync("NodeChildrenChanged for /p");
            await t.Client.GetChildrenAsync("/p", events.Add, t.Token);
            await t.Client.DeleteAsync("/p", cancellationToken: t.Token);
            var parentDeleted = await events.NextAsync("NodeDeleted for /p");

            Assert.Equal(new WatchedEvent(WatchEventType.NodeChildrenChanged, ZooKeeperState.Connected, "/p"), childDeleted);
            Assert.Equal(new WatchedEvent(WatchEventType.NodeDeleted, ZooKeeperState.Connected, "/p"), parentDeleted);
        });

    [Fact]
    public Task Watches_UnderAChroot_ReportChrootRelativePaths() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var events = new EventQueue<WatchedEvent>();
            await t.Client.GetChildrenAsync("/", events.Add, t.Token);
            Assert.Null(await t.Client.ExistsAsync("/a", events.Add, t.Token));
            await using var root = await t.Chroot.ConnectToRootAsync(t.Token);

            await root.CreateAsync(t.Chroot.Path + "/a", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var first = await events.NextAsync("the first of two events");
            var second = await events.NextAsync("the second of two events");

            Assert.Equivalent(
                new[]
                {
                    new WatchedEvent(WatchEventType.NodeCreated, ZooKeeperState.Connected, "/a"),
                    new WatchedEvent(WatchEventType.NodeChildrenChanged, ZooKeeperState.Connected, "/"),
                },
                new[] { first, second });
        });

    [Fact]
    public Task SameWatcher_SetByGetDataAndExists_FiresOnceForOneChange() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/n", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var events = new EventQueue<WatchedEvent>();
            Action<WatchedEvent> watcher = events.Add;
            await t.Client.GetDataAsync("/n", watcher, t.Token);
            await t.Client.ExistsAsync("/n", watcher, t.Token);

            await t.Client.SetDataAsync("/n", Utf8("x"), cancellationToken: t.Token);
            var fired = await events.NextAsync("NodeDataChanged for /n");
            await TriggerSentinelAsync(t, t.Client);

            Assert.Equal(WatchEventType.NodeDataChanged, fired.Type);
            Assert.Empty(events.Drain());
        });

    [Fact]
    public Task Events_AreDeliveredInTheOrderTheChangesHappened() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var names = Enumerable.Range(0, 20).Select(i => (string?)$"/n{i}").ToList();
            var events = new EventQueue<WatchedEvent>();
            foreach (var name in names)
            {
                await t.Client.CreateAsync(name!, None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
                await t.Client.GetDataAsync(name!, events.Add, t.Token);
            }

            await using var other = await t.Chroot.ConnectAsync(t.Token);
            foreach (var name in names)
            {
                await other.SetDataAsync(name!, Utf8("x"), cancellationToken: t.Token);
            }

            var delivered = new List<string?>();
            foreach (var _ in names)
            {
                delivered.Add((await events.NextAsync("one event per node")).Path);
            }

            Assert.Equal(names, delivered);
        });

    [Fact]
    public Task SlowHandler_DoesNotBlockRepliesOrLoseLaterEvents() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/slow", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.CreateAsync("/next", Utf8("next data"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            using var release = new ManualResetEventSlim();
            var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var events = new EventQueue<WatchedEvent>();
            await t.Client.GetDataAsync("/slow", e =>
            {
                entered.TrySetResult();
                events.Add(e);
                release.Wait(TimeSpan.FromSeconds(60)); // blocks the dispatcher until the test releases it
            }, t.Token);
            await t.Client.GetDataAsync("/next", events.Add, t.Token);

            await t.Client.SetDataAsync("/slow", Utf8("x"), cancellationToken: t.Token);
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(20), t.Token);
            // The handler is blocked: replies still arrive, and more events queue up behind it.
            var read = await t.Client.GetDataAsync("/next", cancellationToken: t.Token).WaitAsync(TimeSpan.FromSeconds(20), t.Token);
            await t.Client.SetDataAsync("/next", Utf8("changed"), cancellationToken: t.Token).WaitAsync(TimeSpan.FromSeconds(20), t.Token);
            var created = await t.Client.CreateAsync("/during", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token).WaitAsync(TimeSpan.FromSeconds(20), t.Token);
            release.Set();

            Assert.Equal("next data", Text(read.Data));
            Assert.Equal("/during", created);
            Assert.Equal("/slow", (await events.NextAsync("the slow handler's event")).Path);
            Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, "/next"), await events.NextAsync("the event queued behind the slow handler"));
        });

    [Fact]
    public Task ThrowingHandler_DoesNotStopLaterEvents() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/throws", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await t.Client.CreateAsync("/after", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var thrown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var events = new EventQueue<WatchedEvent>();
            await t.Client.GetDataAsync("/throws", _ =>
            {
                thrown.TrySetResult();
                throw new InvalidOperationException("handler failure");
            }, t.Token);
            await t.Client.GetDataAsync("/after", events.Add, t.Token);

            await t.Client.SetDataAsync("/throws", Utf8("x"), cancellationToken: t.Token);
            await thrown.Task.WaitAsync(TimeSpan.FromSeconds(20), t.Token);
            await t.Client.SetDataAsync("/after", Utf8("x"), cancellationToken: t.Token);

            Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, ZooKeeperState.Connected, "/after"), await events.NextAsync("the event after the throwing handler"));
            await t.Client.GetDataAsync("/throws", cancellationToken: t.Token);
        });

    /// <summary>Arms a watch on a fresh node and changes it, then waits for that event: every event the
    /// server sent before it has been delivered by then.</summary>
    private static async Task TriggerSentinelAsync(ClientTestContext t, ZooKeeperClient changer)
    {
        var sentinel = $"/sentinel-{Guid.NewGuid():N}";
        var sentinelEvents = new EventQueue<WatchedEvent>();
        Assert.Null(await t.Client.ExistsAsync(sentinel, sentinelEvents.Add, t.Token));
        await changer.CreateAsync(sentinel, None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
        await sentinelEvents.NextAsync("the sentinel's NodeCreated");
    }
}
