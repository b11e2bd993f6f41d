using System.Globalization;
using System.Text;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>Formats a duration as Go's time.Duration.String does ("10s", "2m40s", "5m0s", "250ms"), for
/// messages the kubelet words with one.</summary>
internal static class GoDuration
{
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        if (duration < TimeSpan.FromSeconds(1))
        {
            return duration.TotalMilliseconds >= 1
                ? duration.TotalMilliseconds.ToString("0.######", CultureInfo.InvariantCulture) + "ms"
                : (duration.Ticks / 10.0).ToString("0.###", CultureInfo.InvariantCulture) + "µs";
        }

        var text = new StringBuilder();
        var hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || duration.Minutes > 0)
        {
            text.Append(duration.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        var seconds = duration.Seconds + (duration.Ticks % TimeSpan.TicksPerSecond / (double)TimeSpan.TicksPerSecond);
        return text.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('s').ToString();
    }
}
