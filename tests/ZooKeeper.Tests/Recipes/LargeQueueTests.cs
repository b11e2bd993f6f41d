using System.Globalization;
using System.Text;
using Xunit.Abstractions;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

/// <summary>
/// A taker on a queue of 50,000 entries (the size a big session's window allows): after our own claim and consume
/// fire our own listing's watches, a take must not list both children again (two listings of 50,000 names per
/// take). Counted at the server: requests received per take and consume (mntr's <c>zk_packets_received</c>).
/// A server of its own, so no other test's requests are counted.
/// </summary>
public sealed class LargeQueueTests(ZooKeeperServerFixture fixture, ITestOutputHelper output) : IClassFixture<ZooKeeperServerFixture>
{
    private const int Entries = 50_000;
    private const int Takes = 300;
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(240);

    [Fact]
    public Task TakeAndConsume_OnA50000EntryQueue_ListsItOnce_AndCostsThreeRequestsPerEntry() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            var token = timeout.Token;
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, token);
            var client = await chroot.ConnectAsUserAsync(token);
            var queue = new BulkLockingQueue(client, "/q", chroot.RecipeOptions);
            for (var start = 0; start < Entries; start += 5_000)
            {
                await queue.PutManyAsync([.. Enumerable.Range(start, 5_000).Select(Entry)], cancellationToken: token);
            }

            var before = await fixture.PacketsReceivedAsync(token);
            for (var i = 0; i < Takes; i++)
            {
                var item = Assert.Single(await queue.TakeAsync(1, cancellationToken: token));
                Assert.Equal(Entry(i), item.Value);
                Assert.Equal([item], await queue.ConsumeAsync([item], token));
            }

            var perTake = (double)(await fixture.PacketsReceivedAsync(token) - before) / Takes;
            output.WriteLine($"{Takes} takes and consumes on a {Entries}-entry queue: {perTake:0.00} requests each, {queue.Listings} listing(s)");
            Assert.Equal(1, queue.Listings);

            // A claim (with its read pipelined) is two requests, a consume one; the listing of both children two more, once.
            Assert.InRange(perTake, 3, 3.2);
            Assert.Equal(Entries - Takes, await queue.CountAsync(false, token));
        });

    private static byte[] Entry(int index) => Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"1_/src/d{index:D6}"));
}
