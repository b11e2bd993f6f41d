namespace ZkSync.Benchmarks.ZkClient;

/// <summary>Every workload the benchmark runs, in table order.</summary>
internal static class Workloads
{
    public static IReadOnlyList<IWorkload> All { get; } =
    [
        new CrudWorkload(),
        // Next: new LockingQueueWorkload() (issue 4), once src/ZooKeeper/Recipes has LockingQueue:
        // put N items, then 8 concurrent consumers take and consume them all; kazoo does the same
        // with kazoo.recipe.queue.LockingQueue in a "locking_queue" function in kazoo_bench.py.
    ];
}
