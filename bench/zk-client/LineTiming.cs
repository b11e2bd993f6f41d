namespace ZkSync.Benchmarks.ZkClient;

/// <summary>One line of one run: wall-clock time, and the CPU time (user + system, every thread) the client's
/// process used meanwhile. The server runs in a process of its own, so its CPU is not in <paramref name="Cpu"/>.</summary>
internal readonly record struct LineTiming(TimeSpan Elapsed, TimeSpan Cpu);
