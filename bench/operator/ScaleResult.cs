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
    /// <summary>The operator's CPU time from the first create until every session was reconciled.</summary>
    public TimeSpan OperatorCpu { get; init; }

    /// <summary>The bench process's CPU time (the local API server's, mostly) in the same window.</summary>
    public TimeSpan ServerCpu { get; init; }

    /// <summary>The operator's API requests in the same window, by verb and resource.</summary>
    public IReadOnlyDictionary<string, long> BurstRequests { get; init; } = new Dictionary<string, long>();

    public double WritesPerSessionPerMinute => Sessions == 0 ? 0 : IdleWrites / (double)Sessions / IdleWindow.TotalMinutes;

    /// <summary>Status patches per running session per minute: the mean over the played sessions.</summary>
    public double PatchesPerRunningSessionPerMinute =>
        StatusPatches.Count == 0 ? 0 : StatusPatches.Values.Sum() / (double)StatusPatches.Count / RunningWindow.TotalMinutes;

    /// <summary>The busiest played session's status patches per minute.</summary>
    public double MaxPatchesPerRunningSessionPerMinute =>
        StatusPatches.Count == 0 ? 0 : StatusPatches.Values.Max() / RunningWindow.TotalMinutes;
}
