namespace ZkSync.Benchmarks.ZkClient;

/// <summary>A table line's timings over every run, for both clients.</summary>
internal sealed class LineResult(BenchmarkLine line, int items)
{
    private readonly List<LineTiming> _ours = [];
    private readonly List<LineTiming> _kazoo = [];

    public BenchmarkLine Line { get; } = line;

    public int Items { get; } = items;

    public double OursOpsPerSecond => OpsPerSecond(_ours);

    public double KazooOpsPerSecond => OpsPerSecond(_kazoo);

    /// <summary>The client process's CPU time per call (µs), median over the runs.</summary>
    public double OursCpuMicrosecondsPerCall => CpuPerCall(_ours);

    public double KazooCpuMicrosecondsPerCall => CpuPerCall(_kazoo);

    public double Ratio => OursOpsPerSecond / KazooOpsPerSecond;

    /// <summary>Ours as a fraction of <paramref name="ceiling"/> (ops/s).</summary>
    public double OfCeiling(double ceiling) => OursOpsPerSecond / ceiling;

    public bool MeetsTarget(double ceiling) =>
        Line.MinimumOfCeiling is { } fraction ? OfCeiling(ceiling) >= fraction : Ratio >= Line.MinimumRatio;

    public void AddOurs(LineTiming timing) => _ours.Add(timing);

    public void AddKazoo(LineTiming timing) => _kazoo.Add(timing);

    /// <summary>Ops/s of the median run.</summary>
    private double OpsPerSecond(List<LineTiming> runs) => Items / Median(runs.Select(r => r.Elapsed.TotalSeconds));

    private double CpuPerCall(List<LineTiming> runs) => Median(runs.Select(r => r.Cpu.TotalMicroseconds)) / Items;

    /// <summary>The middle value (the mean of the middle two for an even count); NaN when there is none.</summary>
    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
