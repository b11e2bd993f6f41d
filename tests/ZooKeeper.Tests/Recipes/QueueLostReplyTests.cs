using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

/// <summary>
/// The queue's writes (put, claim, consume with a completion put alongside) when the connection is lost
/// around them, through a <see cref="TcpProxy"/>: a reply lost after the server applied the write (held back,
/// then the connection cut), a request lost before the server saw it (swallowed, then the connection cut), and
/// connections cut at random under many takers. Each write happens exactly once: nothing taken twice, nothing
/// lost, no taken node or put marker left behind. This is the code the worker ships (<see cref="BulkLockingQueue"/>).
/// </summary>
[Collection(RecipesServerCollection.Name)]
public sealed class QueueLostReplyTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private const string QueuePath = "/q";
    private const string DonePath = "/done";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(120);

    public enum Loss
    {
        /// <summary>The server applied the write; its reply never reached the client.</summary>
        Reply,

        /// <summary>The write never reached the server.</summary>
        Request,
    }

    [Theory]
    [InlineData(Loss.Reply)]
    [InlineData(Loss.Request)]
    public Task Claim_WithTheConnectionLostAroundIt_TakesTheEntryOnceAndOnlyOnce(Loss loss) =>
        RunAsync(async (t, queue, observer) =>
        {
            await new BulkLockingQueue(observer, QueuePath, t.Chroot.RecipeOptions).PutManyAsync([Bytes("a"), Bytes("b")], cancellationToken: t.Token);
            var first = Assert.Single(await queue.TakeAsync(1, cancellationToken: t.Token));
            Assert.Equal([first], await queue.ConsumeAsync([first], t.Token));

            // The next take works from the listing it already has: its first request is the claim of "b".
            var taking = await LoseAroundAsync(t, loss, () => queue.TakeAsync(1, cancellationToken: t.Token),
                applied: () => Watches.WaitForChildrenAsync(observer, QueuePath + "/taken", c => c.Count == 1, t.Token));

            var item = Assert.Single(await taking);
            Assert.Equal("b", Text(item.Value));
            var taken = Assert.Single((await observer.GetChildrenAsync(QueuePath + "/taken", null, t.Token)).Children);
            Assert.Equal(item.Name, taken);
            Assert.Equal(queue.Id, Text((await observer.GetDataAsync($"{QueuePath}/taken/{taken}", null, t.Token)).Data));
            Assert.Equal([item], await queue.ConsumeAsync([item], t.Token));
            await AssertQueueEmptyAsync(observer, t.Token);
        });

    [Theory]
    [InlineData(Loss.Reply)]
    [InlineData(Loss.Request)]
    public Task ConsumeWithCompletion_WithTheConnectionLostAroundIt_ConsumesAndCompletesOnce(Loss loss) =>
        RunAsync(async (t, queue, observer) =>
        {
            var done = new BulkLockingQueue(t.Client, DonePath, t.Chroot.RecipeOptions);
            await done.EnsureAsync(t.Token);
            await new BulkLockingQueue(observer, QueuePath, t.Chroot.RecipeOptions).PutManyAsync([Bytes("a")], cancellationToken: t.Token);
            var item = Assert.Single(await queue.TakeAsync(1, cancellationToken: t.Token));

            var consuming = await LoseAroundAsync(t, loss, () => queue.ConsumeAsync([item], consumed => done.PutOps([consumed.Value]), t.Token),
                applied: () => Watches.WaitForChildrenAsync(observer, QueuePath + "/entries", c => c.Count == 0, t.Token));

            Assert.Equal([item], await consuming);
            await AssertQueueEmptyAsync(observer, t.Token);
            var completions = (await observer.GetChildrenAsync(DonePath + "/entries", null, t.Token)).Children;
            var completion = Assert.Single(completions);
            Assert.Equal("a", Text((await observer.GetDataAsync($"{DonePath}/entries/{completion}", null, t.Token)).Data));
        });

    [Theory]
    [InlineData(Loss.Reply)]
    [InlineData(Loss.Request)]
    public Task Put_WithTheConnectionLostAroundIt_PutsEachEntryOnce_AndLeavesNoMarker(Loss loss) =>
        RunAsync(async (t, queue, observer) =>
        {
            await queue.EnsureAsync(t.Token);

            var putting = await LoseAroundAsync(t, loss, () => queue.PutManyAsync([Bytes("x"), Bytes("y")], cancellationToken: t.Token),
                applied: () => Watches.WaitForChildrenAsync(observer, QueuePath + "/entries", c => c.Count == 2, t.Token));

            await putting;
            var entries = (await observer.GetChildrenAsync(QueuePath + "/entries", null, t.Token)).Children.Order(StringComparer.Ordinal).ToList();
            Assert.Equal(2, entries.Count);
            var values = new List<string>();
            foreach (var entry in entries)
            {
                values.Add(Text((await observer.GetDataAsync($"{QueuePath}/entries/{entry}", null, t.Token)).Data));
            }

            Assert.Equal(["x", "y"], values);
            Assert.Equal(["entries", "taken"], (await observer.GetChildrenAsync(QueuePath, null, t.Token)).Children.Order(StringComparer.Ordinal));
        });

    /// <summary>
    /// Four takers and a producer, each through a proxy that cuts its connections at random every 20–150 ms:
    /// 400 entries put in transactions of 25, taken in batches and consumed with a completion put alongside.
    /// Every entry is completed exactly once and nothing is left in the queue.
    /// </summary>
    [Fact]
    public Task TakeAndConsume_UnderConnectionsCutAtRandom_CompleteEveryEntryExactlyOnce() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            const int Entries = 400;
            const int Takers = 4;
            using var timeout = new CancellationTokenSource(TestTimeout);
            var token = timeout.Token;

            // Disposed after the chroot, whose clients close their sessions through them.
            var proxies = Enumerable.Range(0, Takers + 1).Select(_ => new TcpProxy(fixture.Server.Port)).ToList();
            try
            {
                await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, token);
                var observer = await chroot.ConnectAsUserAsync(token);
                using var stopCutting = new CancellationTokenSource();
                var cutting = proxies.Select((proxy, i) => CutAtRandomAsync(proxy, new Random(i), stopCutting.Token)).ToList();
                try
                {
                    var clients = await Task.WhenAll(proxies.Select(proxy => chroot.ConnectAsUserThroughAsync(proxy, token, TimeSpan.FromSeconds(30))));
                    var producer = new BulkLockingQueue(clients[Takers], QueuePath, chroot.RecipeOptions);
                    foreach (var chunk in Enumerable.Range(0, Entries).Chunk(25))
                    {
                        await producer.PutManyAsync([.. chunk.Select(i => Bytes(i.ToString("D4", CultureInfo.InvariantCulture)))], cancellationToken: token);
                    }

                    var completed = new ConcurrentBag<string>();
                    using var allDone = CancellationTokenSource.CreateLinkedTokenSource(token);
                    await Task.WhenAll(clients.Take(Takers).Select(client => Task.Run(async () =>
                    {
                        var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
                        var done = new BulkLockingQueue(client, DonePath, chroot.RecipeOptions);
                        await done.EnsureAsync(token);
                        while (!allDone.IsCancellationRequested)
                        {
                            IReadOnlyList<QueueItem> batch;
                            try
                            {
                                batch = await queue.TakeAsync(5, cancellationToken: allDone.Token);
                            }
                            catch (OperationCanceledException) when (allDone.IsCancellationRequested && !token.IsCancellationRequested)
                            {
                                return;
                            }

                            var consumed = await queue.ConsumeAsync(batch, item => done.PutOps([item.Value]), token);
                            Assert.Equal(batch, consumed);
                            foreach (var item in consumed)
                            {
                                completed.Add(Text(item.Value));
                            }

                            if (completed.Count >= Entries)
                            {
                                await allDone.CancelAsync();
                            }
                        }
                    }, token)));

                    await stopCutting.CancelAsync();
                    output.WriteLine($"connections cut: {string.Join(", ", proxies.Select(p => p.Resets))}");
                    var expected = Enumerable.Range(0, Entries).Select(i => i.ToString("D4", CultureInfo.InvariantCulture)).ToList();
                    Assert.Equal(expected, completed.Order(StringComparer.Ordinal));
                    await AssertQueueEmptyAsync(observer, token);
                    var doneEntries = (await observer.GetChildrenAsync(DonePath + "/entries", null, token)).Children;
                    var doneValues = new List<string>();
                    foreach (var entry in doneEntries)
                    {
                        doneValues.Add(Text((await observer.GetDataAsync($"{DonePath}/entries/{entry}", null, token)).Data));
                    }

                    Assert.Equal(expected, doneValues.Order(StringComparer.Ordinal));
                    Assert.Equal(["entries", "taken"], (await observer.GetChildrenAsync(QueuePath, null, token)).Children.Order(StringComparer.Ordinal));
                    Assert.All(proxies, proxy => Assert.True(proxy.Resets > 0, "a proxy never cut a connection"));
                }
                finally
                {
                    await stopCutting.CancelAsync();
                    await Task.WhenAll(cutting);
                }
            }
            finally
            {
                foreach (var proxy in proxies)
                {
                    await proxy.DisposeAsync();
                }
            }
        });

    [Theory]
    [InlineData(Loss.Reply)]
    [InlineData(Loss.Request)]
    public Task LockReleaseWithOperations_WithTheConnectionLostAroundIt_AppliesThemOnce(Loss loss) =>
        RunAsync(async (t, _, observer) =>
        {
            var holder = new DistributedLock(t.Client, "/lock", "holder", t.Chroot.RecipeOptions);
            Assert.True(await holder.TryAcquireAsync(t.Token));

            // After a lost reply a plain retry would fail on the node it made: the lock node, gone, tells it applied.
            var releasing = await LoseAroundAsync(
                t, loss, () => holder.ReleaseWithAsync([Op.Create("/made", Bytes("x"), t.Chroot.RecipeOptions.Acl, CreateMode.Persistent)], t.Token),
                applied: () => Watches.WaitForChildrenAsync(observer, "/lock", c => c.Count == 0, t.Token));
            await releasing;

            Assert.False(holder.IsAcquired);
            Assert.Empty((await observer.GetChildrenAsync("/lock", null, t.Token)).Children);
            Assert.Equal("x", Text((await observer.GetDataAsync("/made", null, t.Token)).Data));
        });

    /// <summary>
    /// Starts <paramref name="write"/> with the connection about to lose it: for <see cref="Loss.Reply"/> the server's
    /// replies are held back until <paramref name="applied"/> shows the write happened, for <see cref="Loss.Request"/> the
    /// request is swallowed; then the connection is cut and the proxy lets everything through again. Returns the write's task.
    /// </summary>
    private static async Task<T> LoseAroundAsync<T>(Context t, Loss loss, Func<T> write, Func<Task> applied)
        where T : Task
    {
        T running;
        if (loss == Loss.Reply)
        {
            t.Proxy.HoldReplies();
            running = write();
            await applied();
        }
        else
        {
            var dropped = t.Proxy.DropRequests();
            running = write();
            await dropped.WaitAsync(t.Token);
        }

        Assert.False(running.IsCompleted, "the write completed although the connection was about to lose it");
        Assert.True(t.Proxy.ResetConnections(), "the proxy had no connection to cut");
        t.Proxy.ForwardRequests();
        t.Proxy.ReleaseReplies();
        return running;
    }

    private Task RunAsync(Func<Context, BulkLockingQueue, ZooKeeperClient, Task> test) =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);

            // Disposed after the chroot, whose client closes its session through it.
            await using var proxy = new TcpProxy(fixture.Server.Port);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var observer = await chroot.ConnectAsUserAsync(timeout.Token);
            var client = await chroot.ConnectAsUserThroughAsync(proxy, timeout.Token, TimeSpan.FromSeconds(30));
            var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            await test(new Context(chroot, proxy, client, timeout.Token), queue, observer);
        });

    private static async Task CutAtRandomAsync(TcpProxy proxy, Random random, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                // The fault's rhythm, not a wait for something.
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(20, 150)), stop);
                proxy.ResetConnections();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task AssertQueueEmptyAsync(ZooKeeperClient client, CancellationToken cancellationToken)
    {
        Assert.Empty((await client.GetChildrenAsync(QueuePath + "/entries", null, cancellationToken)).Children);
        Assert.Empty((await client.GetChildrenAsync(QueuePath + "/taken", null, cancellationToken)).Children);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] data) => Encoding.UTF8.GetString(data);

    private sealed record Context(TestChroot Chroot, TcpProxy Proxy, ZooKeeperClient Client, CancellationToken Token);
}
