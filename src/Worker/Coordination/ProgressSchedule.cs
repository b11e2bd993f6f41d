namespace ZkSync.Worker.Coordination;

/// <summary>When the master reports progress next: at once, then every <c>--progress-interval</c>, by a <see cref="TimeProvider"/>.</summary>
internal sealed class ProgressSchedule(TimeProvider time, TimeSpan interval)
{
    private long _next = time.GetTimestamp();

    /// <summary>A report is due now.</summary>
    public bool IsDue => time.GetTimestamp() >= _next;

    /// <summary>How long until the next report is due (zero when due).</summary>
    public TimeSpan UntilDue
    {
        get
        {
            var ticks = _next - time.GetTimestamp();
            return ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)ticks / time.TimestampFrequency);
        }
    }

    /// <summary>A report was made: the next is due one interval from now.</summary>
    public void Reported() => _next = time.GetTimestamp() + (long)(interval.TotalSeconds * time.TimestampFrequency);
}
