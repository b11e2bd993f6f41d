namespace ZkSync.Benchmarks.Operator;

/// <summary>What one run with <see cref="Sessions"/> sessions measured.</summary>
internal sealed record ScaleResult(
    int Sessions,
    TimeSpan CreateTime,
    TimeSpan ReconciledAfterLastCreate,
    long PeakRssBytes,
    long IdleWrites,
    TimeSpan IdleWindow,
    IReadOnlyDictionary<string, long> IdleWritesByResource)
{
    public double WritesPerSessionPerMinute => Sessions == 0 ? 0 : IdleWrites / (double)Sessions / IdleWindow.TotalMinutes;
}
