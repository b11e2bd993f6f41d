namespace ZkSync.Benchmarks.ZkClient;

/// <summary>Every table line, in table order.</summary>
internal sealed record BenchmarkReport(IReadOnlyList<LineResult> Lines);
