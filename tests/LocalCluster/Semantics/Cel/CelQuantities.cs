using Cel;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>Kubernetes' quantity library (apiserver/pkg/cel/library/quantity.go).</summary>
internal static class CelQuantities
{
    public static void Register(CelEnvironment env)
    {
        env.RegisterFunction("quantity", [typeof(string)], a => CelQuantity.TryParse((string)a[0]!)
            ?? throw new CelEvaluationException($"quantities must match the regular expression '{CelQuantity.Pattern}'"));
        env.RegisterFunction("isQuantity", [typeof(string)], a => CelQuantity.TryParse((string)a[0]!) is not null);
        env.RegisterFunction("sign", [typeof(CelQuantity)], a => (long)Math.Sign(Q(a[0]).Value));
        env.RegisterFunction("isInteger", [typeof(CelQuantity)], a => IsInteger(Q(a[0])));
        env.RegisterFunction("asInteger", [typeof(CelQuantity)], a => IsInteger(Q(a[0]))
            ? (long)Q(a[0]).Value
            : throw new CelEvaluationException("cannot convert value to integer"));
        env.RegisterFunction("asApproximateFloat", [typeof(CelQuantity)], a => (double)Q(a[0]).Value);
        env.RegisterFunction("add", [typeof(CelQuantity), typeof(CelQuantity)], a => CelQuantity.Of(Q(a[0]).Value + Q(a[1]).Value));
        env.RegisterFunction("add", [typeof(CelQuantity), typeof(long)], a => CelQuantity.Of(Q(a[0]).Value + (long)a[1]!));
        env.RegisterFunction("sub", [typeof(CelQuantity), typeof(CelQuantity)], a => CelQuantity.Of(Q(a[0]).Value - Q(a[1]).Value));
        env.RegisterFunction("sub", [typeof(CelQuantity), typeof(long)], a => CelQuantity.Of(Q(a[0]).Value - (long)a[1]!));
        env.RegisterFunction("isLessThan", [typeof(CelQuantity), typeof(CelQuantity)], a => Q(a[0]).Value < Q(a[1]).Value);
        env.RegisterFunction("isGreaterThan", [typeof(CelQuantity), typeof(CelQuantity)], a => Q(a[0]).Value > Q(a[1]).Value);
        env.RegisterFunction("compareTo", [typeof(CelQuantity), typeof(CelQuantity)], a => (long)Q(a[0]).Value.CompareTo(Q(a[1]).Value));
    }

    private static CelQuantity Q(object? value) => (CelQuantity)value!;

    private static bool IsInteger(CelQuantity quantity) =>
        decimal.Truncate(quantity.Value) == quantity.Value && quantity.Value is >= long.MinValue and <= long.MaxValue;
}
