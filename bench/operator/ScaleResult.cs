namespace ZkSync.Benchmarks.Operator;

/// <summary>What one run with <see cref="Sessions"/> sessions measured.</summary>
/// <param name="StatusPatches">Writes of each running (played) session during <see cref="RunningWindow"/>.</param>
internal sealed record ScaleResult(
    int Sessions,
    TimeSpan CreateTime,
    TimeSpan ReconciledAfterLastCreate,
    long PeakRssBytes,
    long IdleWrites,
    TimeSpan IdleWindow,
    IReadOnlyDictionary<string, long> IdleWritesByResource,
    IReadOnlyDictionary<string, long> StatusPatches,
    TimeSpan RunningWindow)
{
    public double WritesPerSessionPerMinute => Sessions == 0 ? 0 : IdleWrites / (double)Sessions / IdleWindow.TotalMinutes;

    /// <summary>Status patches per running session per minute: the mean over the played sessions.</summary>
    public double PatchesPerRunningSessionPerMinute =>
        StatusPatches.Count == 0 ? 0 : StatusPatches.Values.Sum() / (double)StatusPatches.Count / RunningWindow.TotalMinutes;

    /// <summary>The busiest played session's status patches per minute.</summary>
    public double MaxPatchesPerRunningSessionPerMinute =>
        StatusPatches.Count == 0 ? 0 : StatusPatches.Values.Max() / RunningWindow.TotalMinutes;
}
