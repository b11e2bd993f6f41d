using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>Go's encoding/json Marshal of decoded JSON: object keys sorted, HTML-safe string escapes, Go's float format.</summary>
internal static class GoJson
{
    public static string Marshal(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(node, builder);
        return builder.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder builder)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    builder.Append(first ? "" : ",");
                    first = false;
                    WriteString(key, builder);
                    builder.Append(':');
                    Write(value, builder);
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    builder.Append(i == 0 ? "" : ",");
                    Write(array[i], builder);
                }

                builder.Append(']');
                break;
            default:
                switch (GoFormat.Decode(node))
                {
                    case string text:
                        WriteString(text, builder);
                        break;
                    case bool flag:
                        builder.Append(flag ? "true" : "false");
                        break;
                    case long integer:
                        builder.Append(integer.ToString(CultureInfo.InvariantCulture));
                        break;
                    case double number:
                        builder.Append(Float(number));
                        break;
                    default:
                        builder.Append("null");
                        break;
                }

                break;
        }
    }

    /// <summary>encoding/json's float64: like %v but in exponent form only below 1e-6 or from 1e21, exponents without padding.</summary>
    private static string Float(double value)
    {
        var abs = Math.Abs(value);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            var text = value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
            return text.Replace("e+0", "e+", StringComparison.Ordinal).Replace("e-0", "e-", StringComparison.Ordinal);
        }

        return value.ToString("0.####################", CultureInfo.InvariantCulture) is var plain && double.Parse(plain, CultureInfo.InvariantCulture) == value
            ? plain
            : value.ToString("R", CultureInfo.InvariantCulture);
    }

    private static void WriteString(string text, StringBuilder builder)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case var escaped when GoFormat.ShortEscape(escaped) is { } escape:
                    builder.Append(escape);
                    break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                case < ' ':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }
}
