namespace ZkSync.Benchmarks.ZkClient;

/// <summary>
/// One line of the result table. <paramref name="Key"/> is how both runners (ours and the kazoo
/// script) name its timing. Ours must reach <paramref name="MinimumRatio"/> times kazoo's ops/s, or,
/// when <paramref name="MinimumOfCeiling"/> is set, that fraction of the server's own ceiling
/// (<see cref="RawPipelinedGet"/>), which bounds what any client can show on the line.
/// </summary>
internal sealed record BenchmarkLine(string Key, string Title, double MinimumRatio, double? MinimumOfCeiling = null);
