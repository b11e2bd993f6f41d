using System.Collections.Concurrent;
using System.Text;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

/// <summary>What our queue (<see cref="BulkLockingQueue"/>, also behind <see cref="LockingQueue"/>) adds to kazoo's
/// LockingQueue: listings only when the listed names run dry, and contenders that move on instead of waiting.</summary>
[Collection(RecipesServerCollection.Name)]
public sealed class CachedLockingQueueTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private const string QueuePath = "/app/queue";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public Task Get_WorksThroughOneListing_AndListsAgainOnlyWhenTheCacheRunsDry() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var queue = new LockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            var view = queue.Queue;
            await queue.PutAllAsync([Bytes("a"), Bytes("b"), Bytes("c")], cancellationToken: timeout.Token);

            Assert.Equal(["a", "b", "c"], await TakeAllAsync(queue, 3, timeout.Token));
            Assert.Equal(1, view.Listings);

            // Put after the listing: seen once the cache has run dry, with one more listing.
            await queue.PutAsync(Bytes("late"), 0, timeout.Token);
            await queue.PutAsync(Bytes("later"), 100, timeout.Token);
            Assert.Equal(["late", "later"], await TakeAllAsync(queue, 2, timeout.Token));
            Assert.Equal(2, view.Listings);
            Assert.Equal(0, queue.Queue.Misses);
        });

    [Fact]
    public Task Get_WhenTheNextCachedEntryIsHeld_TakesTheOneAfterItWithoutWaiting() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new LockingQueue(client, QueuePath, chroot.RecipeOptions);
            var other = await chroot.ConnectAsUserAsync(timeout.Token);
            await queue.PutAllAsync([Bytes("a"), Bytes("b"), Bytes("c")], cancellationToken: timeout.Token);
            Assert.Equal("a", Text(await queue.GetAsync(TimeSpan.Zero, timeout.Token)));
            Assert.True(await queue.ConsumeAsync(timeout.Token));

            // Someone else (a kazoo consumer, say) takes "b" after our listing.
            await other.CreateAsync($"{QueuePath}/taken/entry-100-0000000001", Bytes("f".PadLeft(32, '0')), chroot.RecipeOptions.Acl, CreateMode.Ephemeral, timeout.Token);

            Assert.Equal("c", Text(await queue.GetAsync(TimeSpan.Zero, timeout.Token)));
            Assert.Equal(1, queue.Queue.Misses);
            Assert.Equal(1, queue.Queue.Listings);
            var taken = await client.GetDataAsync($"{QueuePath}/taken/{queue.Current!.Name}", null, timeout.Token);
            Assert.Equal(queue.Id, Text(taken.Data));
            Assert.True(taken.Stat.IsEphemeral);
        });

    [Fact]
    public Task Get_WhenACachedEntryWasConsumedByAnother_LeavesNoTakenNodeAndTakesTheNextInOrder() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new LockingQueue(client, QueuePath, chroot.RecipeOptions);
            var other = new LockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await queue.PutAllAsync([Bytes("a"), Bytes("b"), Bytes("c"), Bytes("d")], cancellationToken: timeout.Token);
            Assert.Equal("a", Text(await queue.GetAsync(TimeSpan.Zero, timeout.Token)));
            Assert.Equal("b", Text(await other.GetAsync(TimeSpan.Zero, timeout.Token)));
            Assert.True(await other.ConsumeAsync(timeout.Token));
            Assert.True(await queue.ConsumeAsync(timeout.Token));
            var before = await client.GetChildrenAsync(QueuePath + "/taken", null, timeout.Token);

            Assert.Equal("c", Text(await queue.GetAsync(TimeSpan.Zero, timeout.Token)));

            // The gone "b" cost one failed transaction: no taken node came and went for it (kazoo's way: three child changes).
            Assert.Equal(1, queue.Queue.Misses);
            var after = await client.GetChildrenAsync(QueuePath + "/taken", null, timeout.Token);
            Assert.Equal([queue.Current!.Name], after.Children);
            Assert.Equal(before.Stat.Cversion + 1, after.Stat.Cversion);
        });

    [Fact]
    public Task Get_WhenAStaleCacheRunsDry_ListsBeforeWaiting_SoALaterPutWakesIt() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var queue = new LockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            var other = new LockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await queue.PutAllAsync([Bytes("a"), Bytes("b")], cancellationToken: timeout.Token);
            Assert.Equal("a", Text(await queue.GetAsync(TimeSpan.Zero, timeout.Token)));
            Assert.True(await queue.ConsumeAsync(timeout.Token));
            Assert.Equal("b", Text(await other.GetAsync(TimeSpan.Zero, timeout.Token)));
            Assert.True(await other.ConsumeAsync(timeout.Token));

            // Our cache still holds "b": trying it empties the cache, and the wait must have a fresh watch behind it.
            var view = queue.Queue;
            Assert.Equal(1, view.CandidatesLeft);
            Assert.Null(await queue.GetAsync(TimeSpan.FromMilliseconds(200), timeout.Token));
            Assert.Equal(2, view.Listings);
            Assert.Equal(1, queue.Queue.Misses);

            var get = queue.GetAsync(null, timeout.Token);
            await other.PutAsync(Bytes("c"), cancellationToken: timeout.Token);
            Assert.Equal("c", Text(await get.WaitAsync(timeout.Token)));
        });

    [Fact]
    public Task Get_With8ConsumersListingAtOnce_TheySpreadInsteadOfAllCollidingOnTheFirstEntry() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            const int Items = 400;
            const int Consumers = 8;
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var clients = await Task.WhenAll(Enumerable.Range(0, Consumers).Select(_ => chroot.ConnectAsUserAsync(timeout.Token)));
            var producer = new LockingQueue(clients[0], QueuePath, chroot.RecipeOptions);
            await producer.PutAllAsync([.. Enumerable.Range(0, Items).Select(i => Bytes(i.ToString("D4", null)))], cancellationToken: timeout.Token);
            var queues = clients.Select(client => new LockingQueue(client, QueuePath, chroot.RecipeOptions)).ToArray();
            var consumed = new ConcurrentBag<string>();

            // All take their first entry from the same listing.
            var first = await Task.WhenAll(queues.Select(queue => Task.Run(() => queue.GetAsync(TimeSpan.Zero, timeout.Token))));
            Assert.Equal(Consumers, first.Select(Text).Distinct().Count());
            Assert.All(queues, queue => Assert.Equal(1, queue.Queue.Listings));

            await Task.WhenAll(queues.Select(queue => Task.Run(async () =>
            {
                while (true)
                {
                    if (queue.Current is not null || await queue.GetAsync(TimeSpan.FromMilliseconds(200), timeout.Token) is not null)
                    {
                        consumed.Add(Text(queue.Current!.Value));
                        Assert.True(await queue.ConsumeAsync(timeout.Token));
                    }
                    else if (await queue.CountAsync(timeout.Token) == 0)
                    {
                        return;
                    }
                }
            })));

            var misses = queues.Sum(queue => queue.Queue.Misses);
            var listings = queues.Sum(queue => queue.Queue.Listings);
            output.WriteLine($"{Consumers} consumers, {Items} items: {misses} misses, {listings} listings");
            Assert.Equal(Enumerable.Range(0, Items).Select(i => i.ToString("D4", null)), consumed.Order(StringComparer.Ordinal));

            // Chasing each other through one list would cost about (consumers - 1) misses per item.
            Assert.InRange(misses, 0, Items);
            Assert.InRange(listings, Consumers, Items / 4);
        });

    [Fact]
    public Task Get_AnEntryPutAfterTheLastListing_IsSeenOnlyOnceTheListedNamesRunDry() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var queue = new LockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await queue.PutAllAsync([Bytes("a"), Bytes("b")], cancellationToken: timeout.Token);
            Assert.Equal(["a"], await TakeAllAsync(queue, 1, timeout.Token));

            await queue.PutAsync(Bytes("urgent"), 0, timeout.Token);

            Assert.Equal(["b", "urgent"], await TakeAllAsync(queue, 2, timeout.Token));
            Assert.Equal(2, queue.Queue.Listings);
        });

    private static async Task<List<string>> TakeAllAsync(LockingQueue queue, int count, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        for (var i = 0; i < count; i++)
        {
            values.Add(Text(await queue.GetAsync(TimeSpan.Zero, cancellationToken)));
            Assert.True(await queue.ConsumeAsync(cancellationToken));
        }

        return values;
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[]? data) => Encoding.UTF8.GetString(data ?? throw new Xunit.Sdk.XunitException("no entry"));
}
