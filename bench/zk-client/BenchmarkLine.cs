namespace ZkSync.Benchmarks.ZkClient;

/// <summary>
/// One line of the result table. <paramref name="Key"/> is how both runners (ours and the kazoo
/// script) name its timing. Ours must reach <paramref name="MinimumRatio"/> times kazoo's ops/s, or,
/// when <paramref name="MinimumOfCeiling"/> is set, that fraction of the server's own
/// <paramref name="Ceiling"/> (<see cref="RawGet"/>), which bounds what any client can show on the line.
/// A line with a ceiling and a ratio target gets the ceiling reported beside it, saying whether the ratio is reachable at all.
/// </summary>
internal sealed record BenchmarkLine(
    string Key, string Title, double MinimumRatio, double? MinimumOfCeiling = null, ServerCeiling Ceiling = ServerCeiling.None);
