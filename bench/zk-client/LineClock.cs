using System.Diagnostics;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>Measures a <see cref="LineTiming"/>: start it right before a line's first call, stop it after the last.</summary>
internal readonly struct LineClock
{
    private readonly long _started;
    private readonly TimeSpan _cpuAtStart;

    private LineClock(long started, TimeSpan cpuAtStart)
    {
        _started = started;
        _cpuAtStart = cpuAtStart;
    }

    public static LineClock Start() => new(Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime);

    public LineTiming Stop() => new(Stopwatch.GetElapsedTime(_started), Environment.CpuUsage.TotalTime - _cpuAtStart);
}
