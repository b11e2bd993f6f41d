namespace ZkSync.Benchmarks.ZkClient;

/// <summary>Every workload the benchmark runs, in table order.</summary>
internal static class Workloads
{
    public static IReadOnlyList<IWorkload> All { get; } =
    [
        new CrudWorkload(),
        new LockingQueueWorkload(),
    ];
}
