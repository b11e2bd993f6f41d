using System.Globalization;
using System.Text;

namespace ZkSync.LocalCluster.Controllers.Workloads;

/// <summary>A set of completion indexes in the Job status's interval form (<c>1,3-5,7</c>), as orderedIntervals
/// formats and parses it; indexes at or beyond the completions are dropped.</summary>
public static class CompletionIndexes
{
    public static SortedSet<int> Parse(string? text, int completions)
    {
        var result = new SortedSet<int>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            if (bounds.Length is 1 or 2 &&
                int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from) &&
                int.TryParse(bounds[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var to))
            {
                for (var i = from; i <= to && i < completions; i++)
                {
                    result.Add(i);
                }
            }
        }

        return result;
    }

    public static string Format(IEnumerable<int> indexes)
    {
        var text = new StringBuilder();
        int? start = null, last = null;
        foreach (var index in indexes.Distinct().Order())
        {
            if (last is { } l && index == l + 1)
            {
                last = index;
                continue;
            }

            Append(text, start, last);
            start = last = index;
        }

        Append(text, start, last);
        return text.ToString();
    }

    private static void Append(StringBuilder text, int? start, int? last)
    {
        if (start is not { } s || last is not { } l)
        {
            return;
        }

        if (text.Length > 0)
        {
            text.Append(',');
        }

        text.Append(s.ToString(CultureInfo.InvariantCulture));
        if (l > s)
        {
            text.Append('-').Append(l.ToString(CultureInfo.InvariantCulture));
        }
    }
}
