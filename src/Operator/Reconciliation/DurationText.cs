using System.Globalization;
using System.Text;

namespace ZkSync.Operator.Reconciliation;

/// <summary>Durations as Go and kubectl print them: <c>4m10s</c>, <c>2h0m5s</c>, <c>45s</c>.</summary>
public static class DurationText
{
    public static string Format(TimeSpan duration)
    {
        var seconds = (long)Math.Max(0, Math.Round(duration.TotalSeconds));
        var hours = seconds / 3600;
        var minutes = seconds % 3600 / 60;
        var rest = seconds % 60;
        var text = new StringBuilder();
        if (hours > 0)
        {
            text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            text.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        return text.Append(rest.ToString(CultureInfo.InvariantCulture)).Append('s').ToString();
    }
}
