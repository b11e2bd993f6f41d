using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>Go's time.ParseDuration and Duration.String, and strfmt's lenient duration format ("3 days", "1 week").</summary>
internal static partial class GoDuration
{
    private static readonly (string Unit, decimal Nanoseconds)[] Units =
    [
        ("ns", 1m), ("us", 1_000m), ("µs", 1_000m), ("μs", 1_000m), ("ms", 1_000_000m), ("s", 1_000_000_000m),
        ("m", 60_000_000_000m), ("h", 3_600_000_000_000m),
    ];

    private static readonly (string[] Variants, long Nanoseconds)[] LenientUnits =
    [
        (["ns", "nano"], 1L),
        (["us", "µs", "micro"], 1_000L),
        (["ms", "milli"], 1_000_000L),
        (["s", "sec"], 1_000_000_000L),
        (["m", "min"], 60_000_000_000L),
        (["h", "hr", "hour"], 3_600_000_000_000L),
        (["d", "day"], 86_400_000_000_000L),
        (["w", "wk", "week"], 604_800_000_000_000L),
    ];

    /// <summary>time.ParseDuration: "300ms", "-1.5h", "2h45m"; the result in nanoseconds.</summary>
    public static bool TryParse(string text, out long nanoseconds)
    {
        nanoseconds = 0;
        var s = text;
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s == "0")
        {
            return true;
        }

        if (s.Length == 0)
        {
            return false;
        }

        decimal total = 0;
        while (s.Length > 0)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
            {
                numberLength++;
            }

            var number = s[..numberLength];
            if (number.Length == 0 || number == "." || number.Count(c => c == '.') > 1)
            {
                return false;
            }

            s = s[numberLength..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }

            var unit = s[..unitLength];
            s = s[unitLength..];
            var multiplier = Units.FirstOrDefault(u => u.Unit == unit).Nanoseconds;
            if (multiplier == 0 || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            total += value * multiplier;
            if (total > long.MaxValue + (negative ? 1m : 0m))
            {
                return false;
            }
        }

        nanoseconds = (long)decimal.Truncate(negative ? -total : total);
        return true;
    }

    /// <summary>strfmt.ParseDuration: time.ParseDuration, else "&lt;n&gt; &lt;unit&gt;" groups with the longer unit names and days/weeks.</summary>
    public static bool TryParseLenient(string text, out long nanoseconds)
    {
        if (TryParse(text, out nanoseconds))
        {
            return true;
        }

        var matched = false;
        nanoseconds = 0;
        foreach (Match match in LenientPattern().Matches(text))
        {
            if (!long.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var factor))
            {
                return false;
            }

            var unit = match.Groups[3].Value.Trim().ToLowerInvariant();
            foreach (var (variants, multiplier) in LenientUnits)
            {
                for (var i = 0; i < variants.Length; i++)
                {
                    if ((i == variants.Length - 1 && unit.StartsWith(variants[i], StringComparison.Ordinal)) ||
                        string.Equals(variants[i], unit, StringComparison.OrdinalIgnoreCase))
                    {
                        matched = true;
                        nanoseconds += factor * multiplier;
                    }
                }
            }
        }

        return matched;
    }

    /// <summary>Duration.String: "1h0m0s", "1.5s", "300ms", "0s".</summary>
    public static string Format(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        var builder = new StringBuilder();
        if (u < 1_000_000_000UL)
        {
            string unit;
            ulong scale;
            if (u < 1_000UL)
            {
                return (negative ? "-" : "") + u.ToString(CultureInfo.InvariantCulture) + "ns";
            }
            else if (u < 1_000_000UL)
            {
                unit = "µs";
                scale = 1_000UL;
            }
            else
            {
                unit = "ms";
                scale = 1_000_000UL;
            }

            builder.Append(Fraction(u, scale)).Append(unit);
        }
        else
        {
            var hours = u / 3_600_000_000_000UL;
            var rest = u % 3_600_000_000_000UL;
            var minutes = rest / 60_000_000_000UL;
            rest %= 60_000_000_000UL;
            if (hours > 0)
            {
                builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
            }

            if (hours > 0 || minutes > 0)
            {
                builder.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
            }

            builder.Append(Fraction(rest, 1_000_000_000UL)).Append('s');
        }

        return (negative ? "-" : "") + builder;
    }

    private static string Fraction(ulong value, ulong scale)
    {
        var whole = (value / scale).ToString(CultureInfo.InvariantCulture);
        var fraction = value % scale;
        if (fraction == 0)
        {
            return whole;
        }

        var digits = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(scale.ToString(CultureInfo.InvariantCulture).Length - 1, '0').TrimEnd('0');
        return whole + "." + digits;
    }

    [GeneratedRegex(@"((\d+)\s*([A-Za-zµ]+))")]
    private static partial Regex LenientPattern();
}
