using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using ZkSync.ZooKeeper.Tests.Support;
using static ZkSync.ZooKeeper.Tests.Support.TestData;

namespace ZkSync.ZooKeeper.Tests.Connection;

/// <summary>
/// Session expiry, forced by a second client that resumes the session (same id and password) and
/// closes it. The first client reaches the server through a <see cref="TcpProxy"/> that is blocked
/// meanwhile: two connected clients of one session would take it from each other on every reconnect.
/// </summary>
public sealed class SessionExpiryTests(ClientServerFixture fixture, ITestOutputHelper output) : IClassFixture<ClientServerFixture>
{
    private static readonly ReadOnlyMemory<byte> None = ReadOnlyMemory<byte>.Empty;

    [Fact]
    public Task Session_WhenClosedByAnotherClientWithItsIdAndPassword_Expires() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var proxy = new TcpProxy(fixture.Server.Port);
            await using var doomed = await t.Chroot.ConnectThroughAsync(proxy, t.Token, sessionTimeout: TimeSpan.FromSeconds(30));
            await doomed.CreateAsync("/ephemeral", None, Acl.OpenUnsafe, CreateMode.Ephemeral, t.Token);
            await doomed.CreateAsync("/watched", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var watch = new EventQueue<WatchedEvent>();
            await doomed.GetDataAsync("/watched", watch.Add, t.Token);
            var states = new EventQueue<ZooKeeperState>();
            doomed.StateChanged += (_, state) => states.Add(state);
            var gone = new EventQueue<WatchedEvent>();
            Assert.NotNull(await t.Client.ExistsAsync("/ephemeral", gone.Add, t.Token));

            proxy.Block();
            Assert.Equal(ZooKeeperState.Disconnected, await states.NextAsync("Disconnected"));
            var pending = doomed.GetDataAsync("/watched", cancellationToken: t.Token);
            var resumed = await ZooKeeperClient.ConnectAsync(
                t.Chroot.Options() with { SessionId = doomed.SessionId, SessionPassword = doomed.SessionPassword }, t.Token);
            Assert.Equal(doomed.SessionId, resumed.SessionId);
            await resumed.CloseAsync(t.Token);
            Assert.Equal(WatchEventType.NodeDeleted, (await gone.NextAsync("the ephemeral node to go with the closed session")).Type);
            proxy.Unblock();

            Assert.Equal(ZooKeeperState.Expired, await states.NextAsync("Expired"));
            var pendingFailure = await Assert.ThrowsAsync<SessionExpiredException>(() => pending);
            Assert.Equal("/watched", pendingFailure.Path);
            await Assert.ThrowsAsync<SessionExpiredException>(() => doomed.GetDataAsync("/watched", cancellationToken: t.Token));
            await Assert.ThrowsAsync<SessionExpiredException>(() => doomed.CreateAsync("/later", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token));
            Assert.Equal(new WatchedEvent(WatchEventType.None, ZooKeeperState.Expired, null), await watch.NextAsync("the watch to learn the session ended"));
            Assert.Equal(ZooKeeperState.Expired, doomed.State);
            Assert.Null(await t.Client.ExistsAsync("/ephemeral", cancellationToken: t.Token));
            await using var fresh = await t.Chroot.ConnectThroughAsync(proxy, t.Token);
            Assert.NotEqual(doomed.SessionId, fresh.SessionId);
            await fresh.SetDataAsync("/watched", Utf8("a new session works"), cancellationToken: t.Token);
        });

    [Fact]
    public Task Session_WhenItTimesOutWhileDisconnected_ExpiresOnReconnect_AndSaysSoInsteadOfEstablished() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var proxy = new TcpProxy(fixture.Server.Port);
            using var log = new RecordingLoggerProvider();
            using var loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(log));
            await using var doomed = await ZooKeeperClient.ConnectAsync(
                t.Chroot.Options(sessionTimeout: TimeSpan.FromSeconds(2)) with { ConnectionString = proxy.ConnectionString + t.Chroot.Path, LoggerFactory = loggerFactory },
                t.Token);
            await doomed.CreateAsync("/ephemeral", None, Acl.OpenUnsafe, CreateMode.Ephemeral, t.Token);
            var states = new EventQueue<ZooKeeperState>();
            doomed.StateChanged += (_, state) => states.Add(state);
            var gone = new EventQueue<WatchedEvent>();
            Assert.NotNull(await t.Client.ExistsAsync("/ephemeral", gone.Add, t.Token));

            proxy.Block();
            Assert.Equal(WatchEventType.NodeDeleted, (await gone.NextAsync("the server to expire the session")).Type);
            var connectedOnce = log.Entries.Count;
            proxy.Unblock();

            var seen = await states.UntilAsync(state => state == ZooKeeperState.Expired, "Expired");
            Assert.Equal([ZooKeeperState.Disconnected, ZooKeeperState.Expired], seen);
            await Assert.ThrowsAsync<SessionExpiredException>(() => doomed.ExistsAsync("/", cancellationToken: t.Token));
            var afterTheExpiry = log.Entries.Skip(connectedOnce).ToList();
            Assert.Contains(afterTheExpiry, entry => entry.Level == LogLevel.Warning && entry.Message.Contains($"0x{doomed.SessionId:x} has expired", StringComparison.Ordinal));
            Assert.DoesNotContain(afterTheExpiry, entry => entry.Message.Contains("established", StringComparison.Ordinal) || entry.Message.Contains("resumed", StringComparison.Ordinal));
        });

    [Fact]
    public Task Session_WhenClosedByAnotherClientWhileConnected_Expires() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var doomed = await t.Chroot.ConnectAsync(t.Token, sessionTimeout: TimeSpan.FromSeconds(30));
            await doomed.CreateAsync("/ephemeral", None, Acl.OpenUnsafe, CreateMode.Ephemeral, t.Token);
            var states = new EventQueue<ZooKeeperState>();
            doomed.StateChanged += (_, state) => states.Add(state);

            var resumed = await ZooKeeperClient.ConnectAsync(
                t.Chroot.Options() with { SessionId = doomed.SessionId, SessionPassword = doomed.SessionPassword }, t.Token);
            await resumed.CloseAsync(t.Token);

            await states.UntilAsync(state => state == ZooKeeperState.Expired, "Expired");
            Assert.Null(await t.Client.ExistsAsync("/ephemeral", cancellationToken: t.Token));
            await Assert.ThrowsAsync<SessionExpiredException>(() => doomed.ExistsAsync("/", cancellationToken: t.Token));
        });
}
