using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Connection;
using ZkSync.ZooKeeper.Tests.Support;
using static ZkSync.ZooKeeper.Tests.Support.TestData;

namespace ZkSync.ZooKeeper.Tests.Connection;

/// <summary>Connecting, dropped connections, cancellation and closing, against a real server (through a
/// <see cref="TcpProxy"/> where the network must misbehave).</summary>
public sealed class ConnectionTests(ClientServerFixture fixture, ITestOutputHelper output) : IClassFixture<ClientServerFixture>
{
    private static readonly ReadOnlyMemory<byte> None = ReadOnlyMemory<byte>.Empty;

    [Fact]
    public async Task Connect_WhenNothingListens_ThrowsConnectionLossWithinTheConnectTimeout()
    {
        var port = FreePort.Next();
        var options = new ZooKeeperClientOptions { ConnectionString = $"127.0.0.1:{port}", ConnectTimeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(options));

        clock.Stop();
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(6));
        Assert.Contains($"127.0.0.1:{port}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("within 2 s", failure.Message, StringComparison.Ordinal);
        Assert.Contains("refused", failure.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Connect_WhenCancelledWhileNothingListens_ThrowsOperationCanceled()
    {
        var options = new ZooKeeperClientOptions { ConnectionString = $"127.0.0.1:{FreePort.Next()}", ConnectTimeout = TimeSpan.FromMinutes(1) };
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ZooKeeperClient.ConnectAsync(options, cancellation.Token));
    }

    [Fact]
    public async Task Connect_WhenTheServerAcceptsButNeverAnswers_ThrowsConnectionLossSayingSoWithinTheConnectTimeout()
    {
        // A listening socket nobody accepts from: the kernel completes the TCP handshake, no ZooKeeper answers.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var options = new ZooKeeperClientOptions { ConnectionString = $"127.0.0.1:{port}", ConnectTimeout = TimeSpan.FromSeconds(2) };
            var clock = Stopwatch.StartNew();

            var failure = await Assert.ThrowsAsync<ConnectionLossException>(() => ZooKeeperClient.ConnectAsync(options));

            clock.Stop();
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(6));
            Assert.Contains("within 2 s", failure.Message, StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{port} accepted the connection but did not answer the handshake", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public Task Connect_ResumingASessionTheServerDoesNotKnow_ThrowsSessionExpired() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            var options = new ZooKeeperClientOptions
            {
                ConnectionString = fixture.ConnectionString,
                SessionId = 0x0BAD_5E55_1000_0001,
                SessionPassword = new byte[16],
            };

            await Assert.ThrowsAsync<SessionExpiredException>(() => ZooKeeperClient.ConnectAsync(options));
        });

    [Fact]
    public Task DropConnection_RaisesDisconnectedThenConnected_AndKeepsTheSession() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var states = new EventQueue<ZooKeeperState>();
            t.Client.StateChanged += (_, state) => states.Add(state);
            var session = t.Client.SessionId;
            await t.Client.CreateAsync("/ephemeral", None, Acl.OpenUnsafe, CreateMode.Ephemeral, t.Token);

            t.Client.DropConnection();

            Assert.Equal(ZooKeeperState.Disconnected, await states.NextAsync("Disconnected"));
            Assert.Equal(ZooKeeperState.Connected, await states.NextAsync("Connected"));
            Assert.Equal(session, t.Client.SessionId);
            Assert.Equal(session, (await t.Client.ExistsAsync("/ephemeral", cancellationToken: t.Token))!.EphemeralOwner);
        });

    [Fact]
    public Task DropConnection_FailsTheRequestsInFlightWithConnectionLoss_AndLaterRequestsSucceed() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var proxy = new TcpProxy(fixture.Server.Port);
            await using var client = await t.Chroot.ConnectThroughAsync(proxy, t.Token);
            var states = new EventQueue<ZooKeeperState>();
            client.StateChanged += (_, state) => states.Add(state);
            var seen = new EventQueue<WatchedEvent>();
            Assert.Null(await t.Client.ExistsAsync("/in-flight", seen.Add, t.Token));

            proxy.HoldReplies();
            var inFlight = client.CreateAsync("/in-flight", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await seen.NextAsync("the server to apply the in-flight create");
            client.DropConnection();

            var failure = await Assert.ThrowsAsync<ConnectionLossException>(() => inFlight);
            proxy.ReleaseReplies();
            Assert.Equal("/in-flight", failure.Path);
            Assert.Equal(ZooKeeperState.Disconnected, await states.NextAsync("Disconnected"));
            Assert.Equal(ZooKeeperState.Connected, await states.NextAsync("Connected"));
            // The create was applied although its caller saw ConnectionLoss: that is why retried creates must be idempotent.
            await Assert.ThrowsAsync<NodeExistsException>(() => client.CreateAsync("/in-flight", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token));
            Assert.Equal("/after", await client.CreateAsync("/after", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token));
        });

    [Fact]
    public Task Request_CancelledWhileInFlight_ThrowsOperationCanceled_AndLaterRepliesStillMatchTheirRequests() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var proxy = new TcpProxy(fixture.Server.Port);
            await using var client = await t.Chroot.ConnectThroughAsync(proxy, t.Token);
            await client.CreateAsync("/a", Utf8("a"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await client.CreateAsync("/b", Utf8("b"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var seen = new EventQueue<WatchedEvent>();
            Assert.Null(await t.Client.ExistsAsync("/cancelled", seen.Add, t.Token));
            using var cancellation = new CancellationTokenSource();

            proxy.HoldReplies();
            var cancelled = client.CreateAsync("/cancelled", Utf8("c"), Acl.OpenUnsafe, CreateMode.Persistent, cancellation.Token);
            await seen.NextAsync("the server to apply the create before it is cancelled");
            var queuedBehind = client.GetDataAsync("/a", cancellationToken: t.Token);
            await cancellation.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
            Assert.False(queuedBehind.IsCompleted);
            proxy.ReleaseReplies();
            Assert.Equal("a", Text((await queuedBehind).Data));
            Assert.Equal("b", Text((await client.GetDataAsync("/b", cancellationToken: t.Token)).Data));
            Assert.Equal("c", Text((await client.GetDataAsync("/cancelled", cancellationToken: t.Token)).Data));
            Assert.Equal(ZooKeeperState.Connected, client.State);
        });

    [Fact]
    public Task Watch_OfARequestCancelledBeforeItsReplyArrived_IsNotRegistered() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var proxy = new TcpProxy(fixture.Server.Port);
            await using var client = await t.Chroot.ConnectThroughAsync(proxy, t.Token);
            await client.CreateAsync("/watched", Utf8("0"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var applied = new EventQueue<WatchedEvent>();
            Assert.Null(await t.Client.ExistsAsync("/marker", applied.Add, t.Token));
            var abandoned = new EventQueue<WatchedEvent>();
            using var cancellation = new CancellationTokenSource();

            proxy.HoldReplies();
            var cancelled = client.GetDataAsync("/watched", abandoned.Add, cancellation.Token);
            var marker = client.CreateAsync("/marker", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await applied.NextAsync("the server to handle the watched read (arming its watch) and the create sent after it");
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
            proxy.ReleaseReplies();
            Assert.Equal("/marker", await marker); // the read's reply arrived before it, and was dropped

            // The server fires the watch it armed; the client must not deliver it to the caller who gave up.
            var sentinel = new EventQueue<WatchedEvent>();
            Assert.Null(await client.ExistsAsync("/sentinel", sentinel.Add, t.Token));
            await t.Client.SetDataAsync("/watched", Utf8("1"), cancellationToken: t.Token);
            await t.Client.CreateAsync("/sentinel", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await sentinel.NextAsync("the sentinel's NodeCreated, delivered after anything the change of /watched fired");
            Assert.Empty(abandoned.Drain());
        });

    [Fact]
    public Task Reply_WhoseContinuationBlocksUntilALaterReplyArrives_DoesNotStallTheConnection() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/a", Utf8("a"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            using var laterReplyArrived = new ManualResetEventSlim();

            // Runs where the first reply completes (replies complete on the reader's thread) and blocks there
            // until the reply of a request it sends itself has been read: the reader must not be held up by it.
            var blocking = t.Client.GetDataAsync("/a", cancellationToken: t.Token).ContinueWith(
                _ =>
                {
                    _ = t.Client.GetDataAsync("/a", cancellationToken: t.Token).ContinueWith(
                        _ => laterReplyArrived.Set(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    return laterReplyArrived.Wait(TimeSpan.FromSeconds(20), t.Token);
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

            Assert.True(await blocking, "the later reply was read while the first caller's continuation blocked");
            Assert.Equal("a", Text((await t.Client.GetDataAsync("/a", cancellationToken: t.Token)).Data));
        });

    [Fact]
    public Task Reply_WhoseContinuationBlocksUntilAReplyReadWithItArrives_DoesNotStallIt() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var proxy = new TcpProxy(fixture.Server.Port);
            await using var client = await t.Chroot.ConnectThroughAsync(proxy, t.Token);
            await client.CreateAsync("/a", Utf8("a"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await client.CreateAsync("/b", Utf8("b"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var marker = new EventQueue<WatchedEvent>();
            Assert.Null(await t.Client.ExistsAsync("/marker", marker.Add, t.Token));
            using var laterCompleted = new ManualResetEventSlim();

            // Replies held back and then released together, so most of them are read together: one request's
            // continuation blocks the reader until a later request read with it is completed, which only another
            // thread can do.
            proxy.HoldReplies();
            var reads = Enumerable.Range(0, 50).Select(i => client.GetDataAsync(i % 2 == 0 ? "/a" : "/b", cancellationToken: t.Token)).ToList();
            var (earlier, later) = (reads[24], reads[49]);
            _ = later.ContinueWith(_ => laterCompleted.Set(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var blocking = earlier.ContinueWith(
                _ => laterCompleted.Wait(TimeSpan.FromSeconds(20), t.Token),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            var created = client.CreateAsync("/marker", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            await marker.NextAsync("the server to apply the create sent after the reads (so it has answered them)");
            proxy.ReleaseReplies();

            Assert.True(await blocking, "the later reply was completed while the earlier one's continuation blocked");
            for (var i = 0; i < reads.Count; i++)
            {
                Assert.Equal(i % 2 == 0 ? "a" : "b", Text((await reads[i]).Data));
            }

            Assert.Equal("/marker", await created);
        });

    [Fact]
    public Task Watchdog_StopsAFewPeriodsAfterTheLastReply_AndRunsAgainForTheNext() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var connection = t.Client.CurrentConnection ?? throw new InvalidOperationException("connected, but no connection");
            await WatchdogDisarmedAsync(connection, t.Token);
            for (var reply = 0; reply < 3; reply++)
            {
                var before = connection.WatchdogChecks;
                await t.Client.ExistsAsync("/", cancellationToken: t.Token);
                await WatchdogDisarmedAsync(connection, t.Token);

                // One period that saw the reply, then the idle ones; no more (it used to tick for a second after every reply).
                var ran = connection.WatchdogChecks - before;
                Assert.InRange(ran, 1, ActiveConnection.IdleChecksBeforeDisarming + 2);

                // Quiet for 30 periods: at most a heartbeat's reply may run it again meanwhile.
                var disarmed = connection.WatchdogChecks;
                await Task.Delay(TimeSpan.FromMilliseconds(300), t.Token);
                Assert.InRange(connection.WatchdogChecks - disarmed, 0, ActiveConnection.IdleChecksBeforeDisarming + 2);
            }
        });

    private static async Task WatchdogDisarmedAsync(ActiveConnection connection, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (connection.WatchdogArmed)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"the watchdog still runs after {connection.WatchdogChecks} periods");
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }
    }

    [Fact]
    public Task Requests_FromManyThreadsAtOnce_SomeCancelled_GoOutInTheOrderEachThreadSentThem_AndGetTheirOwnReplies() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            const int threads = 8;
            const int perThread = 150;
            await t.Client.CreateAsync("/seq", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            var states = new EventQueue<ZooKeeperState>();
            t.Client.StateChanged += (_, state) => states.Add(state);
            using var start = new Barrier(threads);

            // Each thread sends its creates without waiting (inline sends racing the writer loop and each other) and
            // cancels every fifth at once. The server numbers sequential nodes in the order the requests reach it, so
            // a thread's nodes must be numbered in the order it sent them, and each reply must carry its own node.
            var senders = Enumerable.Range(0, threads).Select(thread => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait(t.Token);
                    var calls = new List<(int Index, Task<string> Created)>();
                    for (var i = 0; i < perThread; i++)
                    {
                        using var cancellation = new CancellationTokenSource();
                        var created = t.Client.CreateAsync($"/seq/t{thread}-", Utf8($"{thread}/{i}"), Acl.OpenUnsafe, CreateMode.PersistentSequential, i % 5 == 4 ? cancellation.Token : t.Token);
                        if (i % 5 == 4)
                        {
                            cancellation.Cancel();
                        }

                        calls.Add((i, created));
                    }

                    return calls;
                },
                t.Token,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)).ToList();

            var answered = 0;
            foreach (var (thread, sender) in senders.Select((sender, thread) => (thread, sender)))
            {
                var previous = -1;
                foreach (var (index, created) in await sender)
                {
                    string path;
                    try
                    {
                        path = await created;
                    }
                    catch (OperationCanceledException)
                    {
                        Assert.Equal(4, index % 5);
                        continue;
                    }

                    var sequence = int.Parse(path[^10..], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(sequence > previous, $"thread {thread}'s call {index} got {path}, numbered before its earlier call's");
                    previous = sequence;
                    Assert.Equal($"{thread}/{index}", Text((await t.Client.GetDataAsync(path, cancellationToken: t.Token)).Data));
                    answered++;
                }
            }

            Assert.InRange(answered, threads * perThread * 4 / 5, threads * perThread);
            Assert.Equal(ZooKeeperState.Connected, t.Client.State);
            Assert.Empty(states.Drain()); // never disconnected: no reply was taken for another request's
        });

    [Fact]
    public Task Requests_CancelledAmongManyInFlight_LeaveEveryOtherReplyWithItsOwnRequest() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            const int count = 300;
            for (var i = 0; i < 10; i++)
            {
                await t.Client.CreateAsync($"/n{i}", Utf8($"data {i}"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            }

            var cancellations = Enumerable.Range(0, count).Select(_ => new CancellationTokenSource()).ToList();
            var reads = Enumerable.Range(0, count)
                .Select(i => t.Client.GetDataAsync($"/n{i % 10}", cancellationToken: cancellations[i].Token))
                .ToList();
            for (var i = 0; i < count; i += 3)
            {
                await cancellations[i].CancelAsync();
            }

            for (var i = 0; i < count; i++)
            {
                try
                {
                    Assert.Equal($"data {i % 10}", Text((await reads[i]).Data));
                }
                catch (OperationCanceledException)
                {
                    Assert.Equal(0, i % 3);
                }
            }

            Assert.Equal("data 7", Text((await t.Client.GetDataAsync("/n7", cancellationToken: t.Token)).Data));
            cancellations.ForEach(c => c.Dispose());
        });

    [Fact]
    public Task Request_WithAnAlreadyCancelledToken_ThrowsOperationCanceledWithoutSending() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t.Client.CreateAsync("/never", None, Acl.OpenUnsafe, CreateMode.Persistent, cancelled.Token));

            Assert.Null(await t.Client.ExistsAsync("/never", cancellationToken: t.Token));
        });

    [Fact]
    public Task Request_IssuedWhileDisconnected_WaitsAndCompletesAfterTheReconnect() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var proxy = new TcpProxy(fixture.Server.Port);
            await using var client = await t.Chroot.ConnectThroughAsync(proxy, t.Token);
            var states = new EventQueue<ZooKeeperState>();
            client.StateChanged += (_, state) => states.Add(state);

            proxy.Block();
            await states.UntilAsync(state => state == ZooKeeperState.Disconnected, "Disconnected");
            var waiting = client.CreateAsync("/queued", Utf8("q"), Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
            using var cancelled = new CancellationTokenSource();
            var abandoned = client.CreateAsync("/abandoned", None, Acl.OpenUnsafe, CreateMode.Persistent, cancelled.Token);
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
            Assert.False(waiting.IsCompleted);
            proxy.Unblock();

            Assert.Equal("/queued", await waiting);
            Assert.Equal(ZooKeeperState.Connected, await states.NextAsync("Connected"));
            Assert.Equal("q", Text((await t.Client.GetDataAsync("/queued", cancellationToken: t.Token)).Data));
            Assert.Null(await t.Client.ExistsAsync("/abandoned", cancellationToken: t.Token));
        });

    [Fact]
    public Task Close_EndsTheSessionOnTheServerAtOnce_AndLaterCallsThrowObjectDisposed() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var closing = await t.Chroot.ConnectAsync(t.Token, sessionTimeout: TimeSpan.FromSeconds(40));
            await closing.CreateAsync("/ephemeral", None, Acl.OpenUnsafe, CreateMode.Ephemeral, t.Token);
            var states = new EventQueue<ZooKeeperState>();
            closing.StateChanged += (_, state) => states.Add(state);
            var seen = new EventQueue<WatchedEvent>();
            Assert.NotNull(await t.Client.ExistsAsync("/ephemeral", seen.Add, t.Token));
            var clock = Stopwatch.StartNew();

            await closing.CloseAsync(t.Token);

            var deleted = await seen.NextAsync("the ephemeral node to go with the closed session", TimeSpan.FromSeconds(10));
            clock.Stop();
            Assert.Equal(new WatchedEvent(WatchEventType.NodeDeleted, ZooKeeperState.Connected, "/ephemeral"), deleted);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "deleted at once, not after the 40 s session timeout");
            Assert.Equal(ZooKeeperState.Closed, await states.NextAsync("Closed"));
            Assert.Equal(ZooKeeperState.Closed, closing.State);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => closing.GetDataAsync("/", cancellationToken: t.Token));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => closing.CreateAsync("/after", None, Acl.OpenUnsafe, CreateMode.Persistent, t.Token));
        });

    [Fact]
    public Task Close_WhileDisconnected_ClosesTheSessionWhenTheConnectionComesBack() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var proxy = new TcpProxy(fixture.Server.Port);
            await using var closing = await t.Chroot.ConnectThroughAsync(proxy, t.Token, sessionTimeout: TimeSpan.FromSeconds(40));
            await closing.CreateAsync("/ephemeral", None, Acl.OpenUnsafe, CreateMode.Ephemeral, t.Token);
            var states = new EventQueue<ZooKeeperState>();
            closing.StateChanged += (_, state) => states.Add(state);
            var gone = new EventQueue<WatchedEvent>();
            Assert.NotNull(await t.Client.ExistsAsync("/ephemeral", gone.Add, t.Token));

            proxy.Block();
            Assert.Equal(ZooKeeperState.Disconnected, await states.NextAsync("Disconnected"));
            var close = closing.CloseAsync(t.Token);
            proxy.Unblock();
            await close;

            var deleted = await gone.NextAsync("the ephemeral node to go with the closed session, long before its 40 s timeout", TimeSpan.FromSeconds(20));
            Assert.Equal(new WatchedEvent(WatchEventType.NodeDeleted, ZooKeeperState.Connected, "/ephemeral"), deleted);
            Assert.Equal(ZooKeeperState.Closed, (await states.UntilAsync(state => state == ZooKeeperState.Closed, "Closed"))[^1]);
            Assert.Equal(ZooKeeperState.Closed, closing.State);
        });

    [Fact]
    public Task Close_WhenNoConnectionComesBackWithinTheSessionTimeout_ThrowsConnectionLoss_AndTheClientIsClosed() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await using var proxy = new TcpProxy(fixture.Server.Port);
            var closing = await t.Chroot.ConnectThroughAsync(proxy, t.Token, sessionTimeout: TimeSpan.FromSeconds(2));
            var disposing = await t.Chroot.ConnectThroughAsync(proxy, t.Token, sessionTimeout: TimeSpan.FromSeconds(2));
            var states = new EventQueue<ZooKeeperState>();
            closing.StateChanged += (_, state) => states.Add(state);
            var session = closing.SessionId;

            proxy.Block();
            Assert.Equal(ZooKeeperState.Disconnected, await states.NextAsync("Disconnected"));
            var close = closing.CloseAsync(t.Token);
            var dispose = disposing.DisposeAsync().AsTask();

            var failure = await Assert.ThrowsAsync<ConnectionLossException>(() => close);
            Assert.Contains($"could not close ZooKeeper session 0x{session:x}", failure.Message, StringComparison.Ordinal);
            Assert.Contains("the server ends the session", failure.Message, StringComparison.Ordinal);
            Assert.Equal(ZooKeeperState.Closed, closing.State);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => closing.ExistsAsync("/", cancellationToken: t.Token));
            await dispose; // the same failure, logged instead of thrown
            Assert.Equal(ZooKeeperState.Closed, disposing.State);
            await closing.DisposeAsync();
        });

    [Fact]
    public Task StateChanged_OverALifetime_ReportsEveryTransitionOnceInOrder() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var states = new EventQueue<ZooKeeperState>();
            var client = await t.Chroot.ConnectAsync(t.Token);
            client.StateChanged += (_, state) => states.Add(state);

            client.DropConnection();
            var first = await states.UntilAsync(state => state == ZooKeeperState.Connected, "the first reconnect");
            client.DropConnection();
            var second = await states.UntilAsync(state => state == ZooKeeperState.Connected, "the second reconnect");
            await client.CloseAsync(t.Token);
            await client.DisposeAsync();
            var last = await states.UntilAsync(state => state == ZooKeeperState.Closed, "Closed");
            await client.DisposeAsync();

            Assert.Equal([ZooKeeperState.Disconnected, ZooKeeperState.Connected], first);
            Assert.Equal([ZooKeeperState.Disconnected, ZooKeeperState.Connected], second);
            Assert.Equal([ZooKeeperState.Closed], last);
            Assert.Empty(states.Drain());
            Assert.Equal(ZooKeeperState.Closed, client.State);
        });

    [Fact]
    public Task Dispose_AfterCloseAndTwice_DoesNotThrow() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var client = await t.Chroot.ConnectAsync(t.Token);
            await client.CloseAsync(t.Token);
            await client.CloseAsync(t.Token);
            await client.DisposeAsync();
            await client.DisposeAsync();

            var disposed = await t.Chroot.ConnectAsync(t.Token);
            await disposed.DisposeAsync();
            await disposed.DisposeAsync();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => disposed.ExistsAsync("/", cancellationToken: t.Token));
        });
}
