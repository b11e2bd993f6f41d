namespace ZkSync.Benchmarks.ZkClient;

/// <summary>
/// One line of the result table. <paramref name="Key"/> is how both runners (ours and the kazoo
/// script) name its timing; ours must reach <paramref name="MinimumRatio"/> times kazoo's ops/s.
/// </summary>
internal sealed record BenchmarkLine(string Key, string Title, double MinimumRatio);
