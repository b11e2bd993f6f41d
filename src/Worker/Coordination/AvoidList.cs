namespace ZkSync.Worker.Coordination;

/// <summary>Destinations a source skips for a while after a connection-level failure (rsync exit 5, 10, 12, 35),
/// timed by a <see cref="TimeProvider"/>. Thread-safe.</summary>
internal sealed class AvoidList(TimeProvider time)
{
    private readonly Dictionary<string, long> _until = new(StringComparer.Ordinal);

    /// <summary>Skips <paramref name="whoAmI"/> for <paramref name="duration"/> from now (a later call replaces the window).</summary>
    public void Avoid(string whoAmI, TimeSpan duration)
    {
        var until = time.GetTimestamp() + (long)(duration.TotalSeconds * time.TimestampFrequency);
        lock (_until)
        {
            _until[whoAmI] = until;
        }
    }

    /// <summary>Whether <paramref name="whoAmI"/> is being skipped now.</summary>
    public bool IsAvoided(string whoAmI)
    {
        lock (_until)
        {
            if (!_until.TryGetValue(whoAmI, out var until))
            {
                return false;
            }

            if (time.GetTimestamp() < until)
            {
                return true;
            }

            _until.Remove(whoAmI);
            return false;
        }
    }
}
