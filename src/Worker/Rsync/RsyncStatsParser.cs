using System.Globalization;
using System.Text;
using ZkSync.Contracts;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// Reads the 9 counters from rsync <c>--stats</c> output: <c>Key words: value ...</c>, key with spaces as
/// <c>_</c>, the first token of the value with digit grouping removed. Unlike the original it never throws:
/// usage text, <c>key:</c> without value, or file names that look like stats are skipped (the last
/// occurrence of a key wins, which is rsync's summary at the end). Human-readable values (<c>1.23K</c>, from
/// <c>-h</c> in <c>--arbitopts</c>) are scaled by 1000.
/// </summary>
public static class RsyncStatsParser
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        // rsync before 3.1 printed this name for the same counter.
        ["Number_of_files_transferred"] = "Number_of_regular_files_transferred",
    };

    /// <summary>Parses the combined output of one rsync run.</summary>
    public static RsyncStats Parse(string output)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        var unparsed = new List<string>();
        if (string.IsNullOrEmpty(output))
        {
            return new RsyncStats(values, unparsed);
        }

        foreach (var rawLine in output.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = rawLine.Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim().Replace(' ', '_');
            key = Aliases.GetValueOrDefault(key, key);
            if (!ZnodeLayout.StatKeys.Contains(key))
            {
                continue;
            }

            var rest = line[(colon + 1)..].Trim();
            var token = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (token is not null && TryParseNumber(token, out var number))
            {
                values[key] = number;
            }
            else
            {
                unparsed.Add(rawLine);
            }
        }

        return new RsyncStats(values, unparsed);
    }

    /// <summary>
    /// <c>1,234,567</c> / <c>1.234.567</c> / <c>1'234</c> (grouping) → 1234567; <c>1.23K</c>/<c>4.5M</c>/… scaled by
    /// 1000; anything else fails.
    /// </summary>
    public static bool TryParseNumber(string token, out long value)
    {
        ArgumentNullException.ThrowIfNull(token);
        value = 0;
        var multiplier = 1L;
        var t = token;
        var suffix = "KMGTP".IndexOf(char.ToUpperInvariant(t.Length > 0 ? t[^1] : ' '), StringComparison.Ordinal);
        if (suffix >= 0 && t.Length > 1 && char.IsAsciiDigit(t[^2]))
        {
            for (var i = 0; i <= suffix; i++)
            {
                multiplier *= 1000;
            }

            t = t[..^1];
            if (decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var scaled))
            {
                value = (long)Math.Round(scaled * multiplier);
                return true;
            }

            if (decimal.TryParse(t.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out scaled))
            {
                value = (long)Math.Round(scaled * multiplier);
                return true;
            }

            return false;
        }

        var digits = new StringBuilder(t.Length);
        foreach (var c in t)
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not (',' or '.' or '\'' or '\u00a0' or '\u202f'))
            {
                return false;
            }
        }

        return digits.Length > 0 && long.TryParse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
