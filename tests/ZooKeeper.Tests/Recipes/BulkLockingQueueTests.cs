using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

[Collection(RecipesServerCollection.Name)]
public sealed class BulkLockingQueueTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private const string QueuePath = "/app/queue";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public Task Take_With8TakersOver1000Entries_CostsFewRequestsPerEntry() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            const int Entries = 1000;
            const int Takers = 8;
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await Chroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var clients = await Task.WhenAll(Enumerable.Range(0, Takers).Select(_ => chroot.ConnectAsync(timeout.Token)));
            var queues = clients.Select(client => new BulkLockingQueue(client, QueuePath, chroot.Options)).ToArray();
            await queues[0].PutManyAsync([.. Enumerable.Range(0, Entries).Select(PathEntry)], cancellationToken: timeout.Token);
            foreach (var queue in queues)
            {
                await queue.CountAsync(false, timeout.Token);
            }

            var before = await PacketsReceivedAsync(timeout.Token);
            var consumed = await TakeAndConsumeAllAsync(queues, Entries, timeout.Token);
            var after = await PacketsReceivedAsync(timeout.Token);

            var perEntry = (double)(after - before) / Entries;
            output.WriteLine(
                $"{Takers} takers, {Entries} entries: {after - before} requests received, {perEntry:0.00} per entry " +
                $"({queues.Sum(q => q.Listings)} listings, {queues.Sum(q => q.Misses)} lost claims)");
            Assert.Equal(Enumerable.Range(0, Entries).Select(i => Text(PathEntry(i))).Order(StringComparer.Ordinal), consumed.Order(StringComparer.Ordinal));
            await AssertEmptyAsync(clients[0], timeout.Token);

            // Peek, claim and consume are one request each; the code that walked a stale listing from its head needed about 22.
            Assert.InRange(perEntry, 0, 8);
        });

    /// <summary>Takes and consumes until <paramref name="total"/> entries were consumed, each taker sizing its
    /// batches as zkrsync's sources do (half the queue shared by the takers, at most 64, entries of one kind).</summary>
    private static async Task<List<string>> TakeAndConsumeAllAsync(IReadOnlyList<BulkLockingQueue> queues, int total, CancellationToken cancellationToken)
    {
        var consumed = new ConcurrentQueue<string>();
        var count = 0;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAll(queues.Select(queue => Task.Run(async () =>
        {
            while (true)
            {
                var remaining = total - Volatile.Read(ref count);
                var maxItems = Math.Clamp((remaining + (2 * queues.Count) - 1) / (2 * queues.Count), 1, 64);
                IReadOnlyList<QueueItem> batch;
                try
                {
                    batch = await queue.TakeAsync(maxItems, SameKind, null, null, done.Token);
                }
                catch (OperationCanceledException) when (done.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                var gone = await queue.ConsumeAsync(batch, cancellationToken);
                Assert.Equal(batch.Count, gone.Count);
                foreach (var item in gone)
                {
                    consumed.Enqueue(Text(item.Value));
                }

                if (Interlocked.Add(ref count, gone.Count) >= total)
                {
                    await done.CancelAsync();
                }
            }
        }, cancellationToken)));
        return [.. consumed];
    }

    private async Task<long> PacketsReceivedAsync(CancellationToken cancellationToken)
    {
        var mntr = await fixture.Server.SendCommandAsync("mntr", cancellationToken);
        var line = mntr.Split('\n').Single(l => l.StartsWith("zk_packets_received\t", StringComparison.Ordinal));
        return long.Parse(line.AsSpan(line.IndexOf('\t') + 1), CultureInfo.InvariantCulture);
    }

    private static async Task AssertEmptyAsync(ZooKeeperClient client, CancellationToken cancellationToken)
    {
        Assert.Empty((await client.GetChildrenAsync(QueuePath + "/entries", null, cancellationToken)).Children);
        Assert.Empty((await client.GetChildrenAsync(QueuePath + "/taken", null, cancellationToken)).Children);
    }

    /// <summary>A zkrsync path entry: mostly directories synced recursively ("1_"), every tenth one not ("0_").</summary>
    private static byte[] PathEntry(int index) =>
        Bytes(string.Create(CultureInfo.InvariantCulture, $"{(index % 10 == 0 ? 0 : 1)}_/src/d{index:D5}"));

    private static bool SameKind(QueueItem first, QueueItem other) =>
        first.Value.Length > 0 && other.Value.Length > 0 && first.Value[0] == other.Value[0];

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] data) => Encoding.UTF8.GetString(data);
}
