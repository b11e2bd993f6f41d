namespace ZkSync.Benchmarks.ZkClient;

/// <summary>Every table line, and the server's ceiling for getData all in flight (ops/s of the median run over a bare socket).</summary>
internal sealed record BenchmarkReport(IReadOnlyList<LineResult> Lines, double PipelinedGetCeiling);
