using System.Collections;
using Cel;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// cel-go's optional types as far as the Cel package lets them be registered: optional.of / none / ofNonZeroValue,
/// hasValue(), value(), orValue() and or() on optionals. The Cel package parses "x.?field" but selects the field as
/// "x.field" does (an absent field yields its no-such-field marker), so hasValue/orValue/value also accept that
/// marker as "none" and any other value as "present"; optional index syntax ("x[?k]") and optional list and map
/// entries are not supported.
/// </summary>
internal static class CelOptionals
{
    public static void Register(CelEnvironment env)
    {
        env.RegisterFunction("of", [typeof(CelNamespace), typeof(object)], a => CelOptional.Of(a[1]));
        env.RegisterFunction("none", [typeof(CelNamespace)], _ => CelOptional.None);
        env.RegisterFunction("ofNonZeroValue", [typeof(CelNamespace), typeof(object)], a => IsZero(a[1]) ? CelOptional.None : CelOptional.Of(a[1]));
        env.RegisterFunction("hasValue", [typeof(object)], a => a[0] is CelOptional optional ? optional.HasValue : !IsAbsent(a[0]));
        env.RegisterFunction("value", [typeof(object)], a => a[0] switch
        {
            CelOptional { HasValue: true } optional => optional.Value,
            CelOptional => throw new CelEvaluationException("optional.none() dereference"),
            var other when IsAbsent(other) => throw new CelEvaluationException("optional.none() dereference"),
            var other => other,
        });
        env.RegisterFunction("orValue", [typeof(object), typeof(object)], a => a[0] switch
        {
            CelOptional optional => optional.HasValue ? optional.Value : a[1],
            var other => IsAbsent(other) ? a[1] : other,
        });
        env.RegisterFunction("or", [typeof(CelOptional), typeof(CelOptional)], a => ((CelOptional)a[0]!).HasValue ? a[0] : a[1]);
    }

    /// <summary>The Cel package's marker for a field that is not there (an internal type).</summary>
    internal static bool IsAbsent(object? value) => value?.GetType().Name == "CelNoSuchField";

    private static bool IsZero(object? value) => value switch
    {
        null => true,
        long l => l == 0,
        double d => d == 0,
        string s => s.Length == 0,
        bool b => !b,
        IList list => list.Count == 0,
        IDictionary map => map.Count == 0,
        _ => false,
    };
}
