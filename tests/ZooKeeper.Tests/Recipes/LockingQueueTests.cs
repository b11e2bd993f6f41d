using System.Collections.Concurrent;
using System.Text;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

[Collection(RecipesServerCollection.Name)]
public sealed class LockingQueueTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private const string QueuePath = "/app/queue";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public Task Put_CreatesTakenThenEntriesAndAPersistentSequentialEntryNamedByPriority() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new LockingQueue(client, QueuePath, chroot.RecipeOptions);

            await queue.PutAsync(Bytes("a"), cancellationToken: timeout.Token);
            await queue.PutAsync(Bytes("b"), 7, timeout.Token);
            await queue.PutAllAsync([Bytes("c"), Bytes("d")], 50, timeout.Token);

            var taken = await client.ExistsAsync(QueuePath + "/taken", null, timeout.Token);
            var entries = await client.ExistsAsync(QueuePath + "/entries", null, timeout.Token);
            Assert.True(taken!.Czxid < entries!.Czxid);
            var names = (await client.GetChildrenAsync(QueuePath + "/entries", null, timeout.Token)).Children.Order(StringComparer.Ordinal);

            // The put marker of our transactions is gone: the queue node holds kazoo's two children only.
            Assert.Equal(["entries", "taken"], (await client.GetChildrenAsync(QueuePath, null, timeout.Token)).Children.Order(StringComparer.Ordinal));
            Assert.Equal(["entry-007-0000000001", "entry-050-0000000002", "entry-050-0000000003", "entry-100-0000000000"], names);
            var entry = await client.GetDataAsync(QueuePath + "/entries/entry-050-0000000002", null, timeout.Token);
            Assert.Equal("c", Text(entry.Data));
            Assert.False(entry.Stat.IsEphemeral);
            Assert.Equal(4, await queue.CountAsync(timeout.Token));
            Assert.Matches("^[0-9a-f]{32}$", queue.Id);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.PutAsync(Bytes("x"), 1000, timeout.Token));
        });

    [Fact]
    public Task Get_ReturnsEntriesByPriorityThenSequence_AndTheSameEntryUntilConsumed() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new LockingQueue(client, QueuePath, chroot.RecipeOptions);
            await queue.PutAsync(Bytes("late"), 200, timeout.Token);
            await queue.PutAsync(Bytes("first"), 100, timeout.Token);
            await queue.PutAsync(Bytes("urgent"), 0, timeout.Token);
            await queue.PutAsync(Bytes("second"), 100, timeout.Token);

            var seen = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                var value = Text(await queue.GetAsync(TimeSpan.Zero, timeout.Token));
                Assert.Equal(value, Text(await queue.GetAsync(TimeSpan.Zero, timeout.Token)));
                var takenNode = $"{QueuePath}/taken/{queue.Current!.Name}";
                var taken = await client.GetDataAsync(takenNode, null, timeout.Token);
                Assert.Equal(queue.Id, Text(taken.Data));
                Assert.True(taken.Stat.IsEphemeral);
                Assert.True(await queue.ConsumeAsync(timeout.Token));
                Assert.Null(await client.ExistsAsync(takenNode, null, timeout.Token));
                seen.Add(value);
            }

            Assert.Equal(["urgent", "first", "second", "late"], seen);
            Assert.False(await queue.ConsumeAsync(timeout.Token));
            Assert.Equal(0, await queue.CountAsync(timeout.Token));
        });

    [Fact]
    public Task Get_WhenEmpty_ReturnsNullAfterTheTimeout() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var queue = new LockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            var started = TimeProvider.System.GetTimestamp();

            Assert.Null(await queue.GetAsync(TimeSpan.FromMilliseconds(300), timeout.Token));

            Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(10));
        });

    [Fact]
    public Task Get_WhenCancelled_Throws() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var queue = new LockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);

            var get = queue.GetAsync(null, cancel.Token);
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get);
        });

    [Fact]
    public Task Get_WhileWaiting_WakesWhenAnotherClientPuts() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var consumerClient = await chroot.ConnectAsUserAsync(timeout.Token);
            var consumer = new LockingQueue(consumerClient, QueuePath, chroot.RecipeOptions);
            var producer = new LockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await producer.CountAsync(timeout.Token);

            var get = consumer.GetAsync(null, timeout.Token);
            Assert.False(get.IsCompleted);
            await producer.PutAsync(Bytes("wake"), cancellationToken: timeout.Token);

            Assert.Equal("wake", Text(await get.WaitAsync(timeout.Token)));
        });

    [Fact]
    public Task Get_SkipsEntriesTakenByOthers_AndReleaseMakesThemAvailableAgain() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var first = new LockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            var second = new LockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await first.PutAsync(Bytes("one"), cancellationToken: timeout.Token);
            await first.PutAsync(Bytes("two"), cancellationToken: timeout.Token);

            Assert.Equal("one", Text(await first.GetAsync(TimeSpan.Zero, timeout.Token)));
            Assert.Equal("two", Text(await second.GetAsync(TimeSpan.Zero, timeout.Token)));
            Assert.Equal(2, await first.CountAsync(timeout.Token));
            Assert.True(await first.ReleaseAsync(timeout.Token));
            Assert.Equal(2, await first.CountAsync(timeout.Token));
            Assert.True(await second.ConsumeAsync(timeout.Token));

            Assert.Equal("one", Text(await second.GetAsync(TimeSpan.Zero, timeout.Token)));
            Assert.Null(await first.GetAsync(TimeSpan.FromMilliseconds(100), timeout.Token));
        });

    [Fact]
    public Task Get_WhenTheTakerSessionExpires_TheEntryBecomesAvailableAgain() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var takerClient = await chroot.ConnectAsUserAsync(timeout.Token);
            var taker = new LockingQueue(takerClient, QueuePath, chroot.RecipeOptions);
            var other = new LockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await taker.PutAsync(Bytes("job"), cancellationToken: timeout.Token);
            Assert.Equal("job", Text(await taker.GetAsync(TimeSpan.Zero, timeout.Token)));
            var waiting = other.GetAsync(null, timeout.Token);

            await chroot.ExpireAsync(takerClient, timeout.Token);

            Assert.Equal("job", Text(await waiting.WaitAsync(timeout.Token)));
            Assert.True(await other.ConsumeAsync(timeout.Token));
        });

    [Fact]
    public Task Consume_WhenTheSessionLostTheEntry_ReturnsFalse() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new LockingQueue(client, QueuePath, chroot.RecipeOptions);
            await queue.PutAsync(Bytes("job"), cancellationToken: timeout.Token);
            Assert.Equal("job", Text(await queue.GetAsync(TimeSpan.Zero, timeout.Token)));
            await client.DeleteAsync($"{QueuePath}/taken/{queue.Current!.Name}", -1, timeout.Token);

            Assert.False(await queue.ConsumeAsync(timeout.Token));

            Assert.Null(queue.Current);
            Assert.Equal(1, await queue.CountAsync(timeout.Token));
        });

    [Fact]
    public Task Claim_WhenTheEntryVanished_LeavesNoTakenNode() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new LockingQueue(client, QueuePath, chroot.RecipeOptions);
            await queue.CountAsync(timeout.Token);

            Assert.Equal(ClaimOutcome.Gone, (await queue.Queue.ClaimAsync("entry-100-0000000042", read: true, timeout.Token)).Outcome);

            Assert.Empty((await client.GetChildrenAsync(QueuePath + "/taken", null, timeout.Token)).Children);
        });

    [Fact]
    public Task GetAndConsume_With16ClientsAnd1000Items_ConsumeEveryItemExactlyOnce() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            const int Items = 1000;
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var clients = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => chroot.ConnectAsUserAsync(timeout.Token)));
            var producer = new LockingQueue(clients[0], QueuePath, chroot.RecipeOptions);
            for (var batch = 0; batch < Items; batch += 100)
            {
                await producer.PutAllAsync([.. Enumerable.Range(batch, 100).Select(i => Bytes(i.ToString("D4", null)))], 100, timeout.Token);
            }

            var consumed = new ConcurrentBag<string>();
            var started = TimeProvider.System.GetTimestamp();

            async Task ConsumeAsync(ZooKeeperClient client)
            {
                var queue = new LockingQueue(client, QueuePath, chroot.RecipeOptions);
                while (true)
                {
                    if (await queue.GetAsync(TimeSpan.FromMilliseconds(500), timeout.Token) is { } value)
                    {
                        Assert.True(await queue.ConsumeAsync(timeout.Token));
                        consumed.Add(Text(value));
                    }
                    else if (await queue.CountAsync(timeout.Token) == 0)
                    {
                        return;
                    }
                }
            }

            await Task.WhenAll(clients.Select(client => Task.Run(() => ConsumeAsync(client))));
            output.WriteLine($"16 consumers took {TimeProvider.System.GetElapsedTime(started)} for {Items} items");

            Assert.Equal(Items, consumed.Count);
            Assert.Equal(Enumerable.Range(0, Items).Select(i => i.ToString("D4", null)), consumed.Order(StringComparer.Ordinal));
            Assert.Equal(0, await producer.CountAsync(timeout.Token));
            Assert.Empty((await clients[0].GetChildrenAsync(QueuePath + "/taken", null, timeout.Token)).Children);
        });

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[]? data) => Encoding.UTF8.GetString(data ?? throw new Xunit.Sdk.XunitException("no entry"));
}
