using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>
/// Issue 4: N items put into a LockingQueue (not timed, in transactions of 1,000), then taken and
/// consumed by <see cref="Consumers"/> concurrent consumers, each a LockingQueue instance on a session
/// of its own (as zkrsync's sources are), until all N are consumed: get, then consume, one item at a
/// time. The line is timed from the consumers' start to the last consume. kazoo_bench.py's
/// <c>locking_queue</c> does the same with kazoo.recipe.queue.LockingQueue: one thread and one
/// KazooClient per consumer (a client each, so no consumer's watch callbacks wait behind another's
/// on a shared event thread). Ours uses the default <see cref="LockingQueueStrategy.Cached"/>.
/// </summary>
internal sealed class LockingQueueWorkload : IWorkload
{
    public const string TakeAndConsume = "locking_queue";
    public const int Consumers = 8;
    private const int PutBatch = 1000;

    public string Name => "locking_queue";

    public IReadOnlyList<BenchmarkLine> Lines { get; } =
    [
        new(TakeAndConsume, $"LockingQueue get+consume ({Consumers} consumers), items/s", 3.0),
    ];

    public async Task<IReadOnlyDictionary<string, LineTiming>> RunOursAsync(
        ZooKeeperClient client, ZooKeeperClientOptions clientOptions, string parent, int items, CancellationToken cancellationToken)
    {
        var path = parent + "/queue";
        var values = Enumerable.Range(0, items).Select(Value).ToArray();
        var producer = new LockingQueue(client, path);
        for (var start = 0; start < items; start += PutBatch)
        {
            await producer.PutAllAsync(values[start..Math.Min(items, start + PutBatch)], cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var sessions = await Task.WhenAll(Enumerable.Range(0, Consumers)
            .Select(_ => ZooKeeperClient.ConnectAsync(clientOptions, cancellationToken))).ConfigureAwait(false);
        try
        {
            var consumed = new ConcurrentBag<string>();
            var remaining = items;
            var timing = default(LineTiming);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var clock = LineClock.Start();
            var consumers = sessions.Select(session => Task.Run(async () =>
            {
                var queue = new LockingQueue(session, path);
                try
                {
                    while (Volatile.Read(ref remaining) > 0)
                    {
                        if (await queue.GetAsync(null, done.Token).ConfigureAwait(false) is not { } value
                            || !await queue.ConsumeAsync(cancellationToken).ConfigureAwait(false))
                        {
                            throw new InvalidOperationException("benchmark self-check failed: a taken item could not be consumed");
                        }

                        consumed.Add(Encoding.ASCII.GetString(value));
                        if (Interlocked.Decrement(ref remaining) == 0)
                        {
                            timing = clock.Stop();
                            await done.CancelAsync().ConfigureAwait(false);
                        }
                    }
                }
                catch (OperationCanceledException) when (done.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // All items are consumed: the others stop waiting.
                }
            }, cancellationToken)).ToArray();
            await Task.WhenAll(consumers).ConfigureAwait(false);

            Check(consumed.Count == items && consumed.Distinct(StringComparer.Ordinal).Count() == items, "not every item was consumed exactly once");
            Check(await producer.CountAsync(cancellationToken).ConfigureAwait(false) == 0, "the queue is not empty");
            await client.DeleteRecursiveAsync(path, cancellationToken).ConfigureAwait(false);
            return new Dictionary<string, LineTiming>(StringComparer.Ordinal) { [TakeAndConsume] = timing };
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static byte[] Value(int index) => Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"item-{index:D7}"));

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"benchmark self-check failed: {what}");
        }
    }
}
