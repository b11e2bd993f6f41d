using System.Collections;
using System.Globalization;
using System.Text;
using Cel;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// cel-go's strings extension as Kubernetes 1.32 enables it (ext.Strings version 2): charAt, indexOf, lastIndexOf,
/// lowerAscii, upperAscii, replace, split, substring, trim, join, format and strings.quote, all counting in code
/// points as cel-go does; plus size() in code points and matches() with Go regular expression semantics, which replace
/// the Cel package's own (UTF-16 length, .NET regex).
/// </summary>
internal static class CelStrings
{
    public static void Register(CelEnvironment env)
    {
        env.RegisterFunction("size", [typeof(string)], a => (long)Runes((string)a[0]!).Length);
        env.RegisterFunction("matches", [typeof(string), typeof(string)], a => Regex((string)a[1]!).IsMatch((string)a[0]!));
        env.RegisterFunction("charAt", [typeof(string), typeof(long)], a => CharAt((string)a[0]!, (long)a[1]!));
        env.RegisterFunction("indexOf", [typeof(string), typeof(string)], a => IndexOf((string)a[0]!, (string)a[1]!, 0));
        env.RegisterFunction("indexOf", [typeof(string), typeof(string), typeof(long)], a => IndexOf((string)a[0]!, (string)a[1]!, (long)a[2]!));
        env.RegisterFunction("lastIndexOf", [typeof(string), typeof(string)], a => LastIndexOf((string)a[0]!, (string)a[1]!, null));
        env.RegisterFunction("lastIndexOf", [typeof(string), typeof(string), typeof(long)], a => LastIndexOf((string)a[0]!, (string)a[1]!, (long)a[2]!));
        env.RegisterFunction("lowerAscii", [typeof(string)], a => MapAscii((string)a[0]!, char.ToLowerInvariant));
        env.RegisterFunction("upperAscii", [typeof(string)], a => MapAscii((string)a[0]!, char.ToUpperInvariant));
        env.RegisterFunction("replace", [typeof(string), typeof(string), typeof(string)], a => Replace((string)a[0]!, (string)a[1]!, (string)a[2]!, -1));
        env.RegisterFunction("replace", [typeof(string), typeof(string), typeof(string), typeof(long)], a => Replace((string)a[0]!, (string)a[1]!, (string)a[2]!, (long)a[3]!));
        env.RegisterFunction("split", [typeof(string), typeof(string)], a => Split((string)a[0]!, (string)a[1]!, -1));
        env.RegisterFunction("split", [typeof(string), typeof(string), typeof(long)], a => Split((string)a[0]!, (string)a[1]!, (long)a[2]!));
        env.RegisterFunction("substring", [typeof(string), typeof(long)], a => Substring((string)a[0]!, (long)a[1]!, null));
        env.RegisterFunction("substring", [typeof(string), typeof(long), typeof(long)], a => Substring((string)a[0]!, (long)a[1]!, (long)a[2]!));
        env.RegisterFunction("trim", [typeof(string)], a => ((string)a[0]!).Trim());
        env.RegisterFunction("join", [typeof(IList)], a => Join((IList)a[0]!, ""));
        env.RegisterFunction("join", [typeof(IList), typeof(string)], a => Join((IList)a[0]!, (string)a[1]!));
        env.RegisterFunction("format", [typeof(string), typeof(IList)], a => Format((string)a[0]!, (IList)a[1]!));
        env.RegisterFunction("quote", [typeof(CelNamespace), typeof(string)], a => GoFormat.Quote((string)a[1]!));
    }

    internal static System.Text.RegularExpressions.Regex Regex(string pattern) =>
        GoRegex.TryCompile(pattern) ?? throw new CelEvaluationException($"invalid regular expression: {pattern}");

    internal static int[] Runes(string text) => text.EnumerateRunes().Select(r => r.Value).ToArray();

    private static string FromRunes(IEnumerable<int> runes) => string.Concat(runes.Select(char.ConvertFromUtf32));

    private static string CharAt(string text, long index)
    {
        var runes = Runes(text);
        if (index < 0 || index > runes.Length)
        {
            throw new CelEvaluationException($"index out of range: {index}");
        }

        return index == runes.Length ? "" : char.ConvertFromUtf32(runes[index]);
    }

    private static long IndexOf(string text, string substring, long offset)
    {
        var runes = Runes(text);
        var search = Runes(substring);
        if (offset < 0 || offset > runes.Length)
        {
            throw new CelEvaluationException($"index out of range: {offset}");
        }

        for (var i = (int)offset; i + search.Length <= runes.Length; i++)
        {
            if (runes.AsSpan(i, search.Length).SequenceEqual(search))
            {
                return i;
            }
        }

        return -1;
    }

    private static long LastIndexOf(string text, string substring, long? offset)
    {
        var runes = Runes(text);
        var search = Runes(substring);
        var start = offset ?? runes.Length;
        if (start < 0 || start > runes.Length)
        {
            throw new CelEvaluationException($"index out of range: {start}");
        }

        for (var i = (int)Math.Min(start, runes.Length - search.Length); i >= 0; i--)
        {
            if (runes.AsSpan(i, search.Length).SequenceEqual(search))
            {
                return i;
            }
        }

        return -1;
    }

    private static string MapAscii(string text, Func<char, char> map) =>
        string.Concat(text.Select(c => c < 128 ? map(c) : c));

    private static string Replace(string text, string oldValue, string newValue, long count)
    {
        if (count < 0)
        {
            return oldValue.Length == 0 ? InsertBetweenRunes(text, newValue, int.MaxValue) : text.Replace(oldValue, newValue, StringComparison.Ordinal);
        }

        if (oldValue.Length == 0)
        {
            return InsertBetweenRunes(text, newValue, count);
        }

        var builder = new StringBuilder();
        var position = 0;
        for (var replaced = 0L; replaced < count; replaced++)
        {
            var found = text.IndexOf(oldValue, position, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            builder.Append(text, position, found - position).Append(newValue);
            position = found + oldValue.Length;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    /// <summary>Go's strings.Replace with an empty old string: the new string before every rune and at the end.</summary>
    private static string InsertBetweenRunes(string text, string insert, long count)
    {
        var builder = new StringBuilder();
        var inserted = 0L;
        foreach (var rune in text.EnumerateRunes())
        {
            if (inserted++ < count)
            {
                builder.Append(insert);
            }

            builder.Append(rune.ToString());
        }

        if (inserted < count)
        {
            builder.Append(insert);
        }

        return builder.ToString();
    }

    /// <summary>Go's strings.SplitN: n == 0 gives no parts, n &lt; 0 all of them, an empty separator splits into runes.</summary>
    private static object?[] Split(string text, string separator, long count)
    {
        if (count == 0)
        {
            return [];
        }

        if (separator.Length == 0)
        {
            var runes = text.EnumerateRunes().Select(r => r.ToString()).ToList();
            if (count > 0 && runes.Count > count)
            {
                runes[(int)count - 1] = string.Concat(runes.Skip((int)count - 1));
                runes.RemoveRange((int)count, runes.Count - (int)count);
            }

            return runes.Cast<object?>().ToArray();
        }

        var parts = count < 0 ? text.Split(separator) : text.Split(separator, (int)Math.Min(count, int.MaxValue));
        return parts.Cast<object?>().ToArray();
    }

    private static string Substring(string text, long start, long? end)
    {
        var runes = Runes(text);
        var stop = end ?? runes.Length;
        if (start < 0 || start > runes.Length)
        {
            throw new CelEvaluationException($"index out of range: {start}");
        }

        if (stop < 0 || stop > runes.Length)
        {
            throw new CelEvaluationException($"index out of range: {stop}");
        }

        if (start > stop)
        {
            throw new CelEvaluationException($"invalid substring range. start: {start}, end: {stop}");
        }

        return FromRunes(runes.Skip((int)start).Take((int)(stop - start)));
    }

    private static string Join(IList list, string separator) =>
        string.Join(separator, list.Cast<object?>().Select(i => i as string ?? throw new CelEvaluationException("join: list must contain only strings")));

    /// <summary>The strings extension's format(): %s, %d, %f/%e with an optional precision, %x, %X, %o, %b and %%.</summary>
    private static string Format(string format, IList args)
    {
        var builder = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                builder.Append(format[i]);
                continue;
            }

            if (++i >= format.Length)
            {
                throw new CelEvaluationException("format: expected a verb after %");
            }

            if (format[i] == '%')
            {
                builder.Append('%');
                continue;
            }

            int? precision = null;
            if (format[i] == '.')
            {
                var start = ++i;
                while (i < format.Length && char.IsAsciiDigit(format[i]))
                {
                    i++;
                }

                precision = int.Parse(format[start..i], CultureInfo.InvariantCulture);
            }

            if (i >= format.Length || next >= args.Count)
            {
                throw new CelEvaluationException("format: not enough arguments");
            }

            var arg = args[next++];
            builder.Append(format[i] switch
            {
                's' => CelConversions.ToCelString(arg),
                'd' => Convert.ToInt64(arg, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                'f' => Convert.ToDouble(arg, CultureInfo.InvariantCulture).ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture),
                'e' => Convert.ToDouble(arg, CultureInfo.InvariantCulture).ToString((precision ?? 6) == 0 ? "0e+00" : "0." + new string('0', precision ?? 6) + "e+00", CultureInfo.InvariantCulture),
                'x' => arg is string hexText ? Convert.ToHexStringLower(Encoding.UTF8.GetBytes(hexText)) : Convert.ToInt64(arg, CultureInfo.InvariantCulture).ToString("x", CultureInfo.InvariantCulture),
                'X' => arg is string upperText ? Convert.ToHexString(Encoding.UTF8.GetBytes(upperText)) : Convert.ToInt64(arg, CultureInfo.InvariantCulture).ToString("X", CultureInfo.InvariantCulture),
                'o' => Convert.ToString(Convert.ToInt64(arg, CultureInfo.InvariantCulture), 8),
                'b' => arg is bool flag ? (flag ? "true" : "false") : Convert.ToString(Convert.ToInt64(arg, CultureInfo.InvariantCulture), 2),
                _ => throw new CelEvaluationException($"could not parse formatting clause: unrecognized formatting clause \"{format[i]}\""),
            });
        }

        return builder.ToString();
    }
}
