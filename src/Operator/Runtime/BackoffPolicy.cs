namespace ZkSync.Operator.Runtime;

/// <summary>Exponential back-off: <c>initial * 2^(attempt-1)</c>, capped at <c>max</c>, optionally with ±50% jitter
/// (watches use jitter, so that many operators do not reconnect in step).</summary>
public sealed record BackoffPolicy(TimeSpan Initial, TimeSpan Max, bool Jitter = false)
{
    public static BackoffPolicy Reconcile { get; } = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(5));

    public static BackoffPolicy Watch { get; } = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), Jitter: true);

    /// <param name="attempt">1 for the first retry.</param>
    public TimeSpan Delay(int attempt, Random? random = null)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = Math.Min(Max.Ticks, Initial.Ticks * Math.Pow(2, exponent));
        if (Jitter)
        {
            ticks *= 0.5 + (random ?? Random.Shared).NextDouble();
        }

        return TimeSpan.FromTicks((long)Math.Min(ticks, Max.Ticks));
    }
}
