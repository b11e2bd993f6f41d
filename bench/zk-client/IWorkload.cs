using ZkSync.ZooKeeper;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>
/// A group of table lines measured together, once with our client and once with kazoo, against the
/// same server. This is the extension point: a new workload (the LockingQueue line, say) implements
/// this, adds a function of the same <see cref="Name"/> to <c>WORKLOADS</c> in kazoo_bench.py, and is
/// listed in <see cref="Workloads.All"/> (as <see cref="LockingQueueWorkload"/> is).
/// </summary>
internal interface IWorkload
{
    /// <summary>The workload's name in kazoo_bench.py's <c>WORKLOADS</c>.</summary>
    string Name { get; }

    /// <summary>The lines it measures, in table order; each one's key appears in both runners' timings.</summary>
    IReadOnlyList<BenchmarkLine> Lines { get; }

    /// <summary>
    /// Runs the workload with our client under <paramref name="parent"/> (which exists and is empty)
    /// on <paramref name="items"/> items; returns the timing of each line by key. It leaves
    /// <paramref name="parent"/> empty again. <paramref name="clientOptions"/> are the options
    /// <paramref name="client"/> was connected with, for a workload that needs sessions of its own.
    /// </summary>
    Task<IReadOnlyDictionary<string, LineTiming>> RunOursAsync(
        ZooKeeperClient client, ZooKeeperClientOptions clientOptions, string parent, int items, CancellationToken cancellationToken);
}
