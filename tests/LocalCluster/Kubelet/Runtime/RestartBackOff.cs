namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The kubelet's crash-loop back-off for one container (client-go flowcontrol.Backoff as kuberuntime's
/// doBackOff uses it): the first restart is immediate; each later one waits, counted from when the last
/// instance finished, for a delay that starts at the initial back-off (10 s in the kubelet) and doubles up to
/// the maximum (5 min); a container that last restarted more than twice the maximum ago starts over.
/// </summary>
public sealed class RestartBackOff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _maximum;
    private TimeSpan? _delay;
    private DateTimeOffset _lastUpdate;

    public RestartBackOff(TimeSpan initial, TimeSpan maximum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, initial);
        _initial = initial;
        _maximum = maximum;
    }

    /// <summary>The delay of the current back-off period (for the kubelet's "back-off 20s ..." message).</summary>
    public TimeSpan CurrentDelay => _delay ?? TimeSpan.Zero;

    /// <summary>How long a container that finished at <paramref name="finishedAt"/> must still wait at
    /// <paramref name="now"/> (IsInBackOffSince); zero when it may restart.</summary>
    public TimeSpan Remaining(DateTimeOffset finishedAt, DateTimeOffset now)
    {
        if (_delay is not { } delay || HasExpired(finishedAt))
        {
            return TimeSpan.Zero;
        }

        var remaining = delay - (now - finishedAt);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>Records a restart of a container that finished at <paramref name="finishedAt"/> (Next).</summary>
    public void Next(DateTimeOffset finishedAt)
    {
        _delay = _delay is not { } delay || HasExpired(finishedAt)
            ? _initial
            : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _maximum.Ticks));
        _lastUpdate = finishedAt;
    }

    private bool HasExpired(DateTimeOffset eventTime) => eventTime - _lastUpdate > _maximum * 2;
}
