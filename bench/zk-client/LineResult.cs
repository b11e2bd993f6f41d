namespace ZkSync.Benchmarks.ZkClient;

/// <summary>A table line's timings over every run, for both clients.</summary>
internal sealed class LineResult(BenchmarkLine line, int items)
{
    private readonly List<TimeSpan> _ours = [];
    private readonly List<TimeSpan> _kazoo = [];

    public BenchmarkLine Line { get; } = line;

    public int Items { get; } = items;

    public double OursOpsPerSecond => OpsPerSecond(_ours);

    public double KazooOpsPerSecond => OpsPerSecond(_kazoo);

    public double Ratio => OursOpsPerSecond / KazooOpsPerSecond;

    public bool MeetsTarget => Ratio >= Line.MinimumRatio;

    public void AddOurs(TimeSpan elapsed) => _ours.Add(elapsed);

    public void AddKazoo(TimeSpan elapsed) => _kazoo.Add(elapsed);

    /// <summary>Ops/s of the median run (the mean of the middle two for an even number of runs).</summary>
    private double OpsPerSecond(List<TimeSpan> runs)
    {
        if (runs.Count == 0)
        {
            return double.NaN;
        }

        var sorted = runs.Select(r => r.TotalSeconds).Order().ToArray();
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return Items / median;
    }
}
