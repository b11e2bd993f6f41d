using System.Globalization;
using System.Text.RegularExpressions;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>A Kubernetes resource quantity ("500m", "1Gi", "1e3") as Kubernetes' quantity library handles it, held as a decimal.</summary>
internal sealed partial class CelQuantity
{
    public const string Pattern = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

    private static readonly Dictionary<string, decimal> Suffixes = new(StringComparer.Ordinal)
    {
        [""] = 1m, ["n"] = 1e-9m, ["u"] = 1e-6m, ["m"] = 1e-3m, ["k"] = 1e3m, ["M"] = 1e6m, ["G"] = 1e9m, ["T"] = 1e12m,
        ["P"] = 1e15m, ["E"] = 1e18m, ["Ki"] = 1024m, ["Mi"] = 1024m * 1024, ["Gi"] = 1024m * 1024 * 1024,
        ["Ti"] = 1024m * 1024 * 1024 * 1024, ["Pi"] = 1024m * 1024 * 1024 * 1024 * 1024, ["Ei"] = 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
    };

    private readonly string _text;

    private CelQuantity(decimal value, string text)
    {
        Value = value;
        _text = text;
    }

    public decimal Value { get; }

    public static CelQuantity? TryParse(string text)
    {
        var match = QuantityPattern().Match(text);
        if (!match.Success || !decimal.TryParse(match.Groups[1].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var suffix = match.Groups[2].Value;
        decimal multiplier;
        if (Suffixes.TryGetValue(suffix, out var known))
        {
            multiplier = known;
        }
        else if (suffix.Length > 1 && suffix[0] is 'e' or 'E' && int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent) && exponent is >= -28 and <= 28)
        {
            multiplier = (decimal)Math.Pow(10, exponent);
        }
        else
        {
            return null;
        }

        try
        {
            return new CelQuantity(number * multiplier, text);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public static CelQuantity Of(decimal value) => new(value, value.ToString(CultureInfo.InvariantCulture));

    public override string ToString() => _text;

    public override bool Equals(object? obj) => obj is CelQuantity other && other.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();

    [GeneratedRegex(Pattern)]
    private static partial Regex QuantityPattern();
}
