using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// Go's fmt verbs as kube-apiserver's messages use them on decoded JSON values (nil, bool, int64, float64, string,
/// []interface{}, map[string]interface{}): <c>%v</c>, <c>%q</c> and <c>%#v</c>.
/// </summary>
internal static class GoFormat
{
    /// <summary>A JSON number as the server decodes it: int64 when its text is an integer that fits, float64 otherwise.</summary>
    public static object? Decode(JsonNode? node)
    {
        // Arms typed as object: JsonNode's implicit conversions would otherwise turn the scalars back into JsonValues.
        if (node is not JsonValue value)
        {
            return node;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String => (object)value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => Number(value.ToJsonString()),
            _ => null,
        };
    }

    /// <summary>
    /// Go's <c>%v</c> of a float64: strconv's 'g' format with the shortest digits that round-trip, in exponent form
    /// when the exponent is below -4 or at least 6 (1e+06, 123456, 0.5, 1e-05, 2.147483647e+09).
    /// </summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        var sign = value < 0 ? "-" : "";
        var (digits, exponent) = Digits(Math.Abs(value).ToString("R", CultureInfo.InvariantCulture));
        if (exponent < -4 || exponent >= 6)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            var exponentText = Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
            return $"{sign}{mantissa}e{(exponent < 0 ? '-' : '+')}{exponentText}";
        }

        if (exponent < 0)
        {
            return sign + "0." + new string('0', -exponent - 1) + digits;
        }

        return digits.Length <= exponent + 1
            ? sign + digits + new string('0', exponent + 1 - digits.Length)
            : sign + digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
    }

    /// <summary>Go's <c>%v</c> of a decoded JSON value.</summary>
    public static string V(object? value) => value switch
    {
        null => "<nil>",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        string s => s,
        JsonValue node => V(Decode(node)),
        JsonNode node => VComposite(node),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Go's <c>%q</c> (strconv.Quote).</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case var c when ShortEscape(c) is { } escape:
                    builder.Append(escape);
                    break;
                case '\a':
                    builder.Append("\\a");
                    break;
                case '\v':
                    builder.Append("\\v");
                    break;
                default:
                    if (Rune.IsControl(rune) || rune.Value == 0x7f)
                    {
                        builder.Append(rune.Value < 0x10000 ? $"\\x{rune.Value:x2}" : $"\\U{rune.Value:x8}");
                    }
                    else
                    {
                        builder.Append(rune.ToString());
                    }

                    break;
            }
        }

        builder.Append('"');
        return builder.ToString();
    }

    /// <summary>The escapes Go's strconv.Quote and encoding/json share: quote, backslash, \b, \f, \n, \r and \t.</summary>
    internal static string? ShortEscape(int c) => c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\b' => "\\b",
        '\f' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => null,
    };

    /// <summary>Go's <c>%#v</c> of a decoded JSON value held in an interface{} (maps print with sorted keys).</summary>
    public static string SharpV(object? value) => value switch
    {
        null => "interface {}(nil)",
        string s => Quote(s),
        JsonObject obj => "map[string]interface {}{" + string.Join(", ", obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => Quote(p.Key) + ":" + SharpV(Decode(p.Value)))) + "}",
        JsonArray array => "[]interface {}{" + string.Join(", ", array.Select(i => SharpV(Decode(i)))) + "}",
        JsonValue node => SharpV(Decode(node)),
        IReadOnlyDictionary<string, object?> map => "map[string]interface {}{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => Quote(p.Key) + ":" + SharpV(p.Value))) + "}",
        _ => V(value),
    };

    private static string VComposite(JsonNode node) => node switch
    {
        JsonObject obj => "map[" + string.Join(" ", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + V(p.Value))) + "]",
        JsonArray array => "[" + string.Join(" ", array.Select(V)) + "]",
        _ => "",
    };

    /// <summary>A JSON number's text as Go's decoding reads it: int64 when it is an integer that fits, float64 otherwise.</summary>
    private static object Number(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            ? (object)integer
            : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The significant digits and the decimal exponent of a positive number written by "R" formatting.</summary>
    private static (string Digits, int Exponent) Digits(string roundTrip)
    {
        var exponent = 0;
        var mantissa = roundTrip;
        var e = roundTrip.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(roundTrip[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = roundTrip[..e];
        }

        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = point < 0 ? mantissa : mantissa[..point];
        var fractionPart = point < 0 ? "" : mantissa[(point + 1)..];
        var all = integerPart + fractionPart;
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        var digits = all.TrimStart('0').TrimEnd('0');
        exponent += integerPart.Length - 1 - leadingZeros;
        return (digits.Length == 0 ? "0" : digits, exponent);
    }
}
