namespace ZkSync.Benchmarks.ZkClient;

/// <summary>A table line's timings over every run, for both clients.</summary>
internal sealed class LineResult(BenchmarkLine line, int items)
{
    private readonly List<LineTiming> _ours = [];
    private readonly List<LineTiming> _kazoo = [];
    private readonly List<double> _ceilings = [];

    public BenchmarkLine Line { get; } = line;

    public int Items { get; } = items;

    public double OursOpsPerSecond => OpsPerSecond(_ours);

    public double KazooOpsPerSecond => OpsPerSecond(_kazoo);

    /// <summary>The client process's CPU time per call (µs), median over the runs.</summary>
    public double OursCpuMicrosecondsPerCall => CpuPerCall(_ours);

    public double KazooCpuMicrosecondsPerCall => CpuPerCall(_kazoo);

    public double Ratio => OursOpsPerSecond / KazooOpsPerSecond;

    /// <summary>The server's ceiling (ops/s), median over the runs; NaN when the line has none.</summary>
    public double CeilingOpsPerSecond => Median(_ceilings);

    /// <summary>Ours as a fraction of the ceiling measured right after it, median over the runs.</summary>
    public double OfCeiling => Median(_ours.Zip(_ceilings, (ours, ceiling) => Items / ours.Elapsed.TotalSeconds / ceiling));

    public bool MeetsTarget =>
        Line.MinimumOfCeiling is { } fraction ? OfCeiling >= fraction : Ratio >= Line.MinimumRatio;

    public void AddOurs(LineTiming timing) => _ours.Add(timing);

    public void AddKazoo(LineTiming timing) => _kazoo.Add(timing);

    /// <summary>The server's ceiling measured right after our run of the same index.</summary>
    public void AddCeiling(double opsPerSecond) => _ceilings.Add(opsPerSecond);

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
