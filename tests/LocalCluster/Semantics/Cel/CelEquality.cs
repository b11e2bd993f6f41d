using System.Collections;
using Cel;
using Google.Protobuf;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// CEL equality and membership as cel-go evaluates them for Kubernetes, where the Cel package differs: values of
/// different types are simply unequal (1 == 'a' is false, not an error, which int-or-string rules rely on); numbers
/// compare across int, uint and double; set and map lists ignore order; quantities compare by value. The rule text is
/// rewritten so that ==, != and "in" call these (<see cref="CelExpressionRewriter"/>).
/// </summary>
internal static class CelEquality
{
    public const string EqualsFunction = "_kubesem_eq_";
    public const string InFunction = "_kubesem_in_";

    public static void Register(CelEnvironment environment)
    {
        environment.RegisterFunction(EqualsFunction, [typeof(object), typeof(object)], a => AreEqual(a[0], a[1]));
        environment.RegisterFunction(InFunction, [typeof(object), typeof(object)], a => Contains(a[1], a[0]));
    }

    public static bool AreEqual(object? a, object? b)
    {
        if (CelOptionals.IsAbsent(a))
        {
            throw new CelEvaluationException(CelErrorText.NoSuchKey(a));
        }

        if (CelOptionals.IsAbsent(b))
        {
            throw new CelEvaluationException(CelErrorText.NoSuchKey(b));
        }

        return (a, b) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            (long or int or ulong or double, long or int or ulong or double) => NumbersEqual(a, b),
            (CelListValue x, IList y) => ListsEqual(x, y),
            (IList x, CelListValue y) => ListsEqual(y, x),
            (IList x, IList y) => x.Count == y.Count && Enumerable.Range(0, x.Count).All(i => AreEqual(x[i], y[i])),
            (IDictionary x, IDictionary y) => x.Count == y.Count && x.Keys.Cast<object>().All(k => y.Contains(k) && AreEqual(x[k], y[k])),
            (CelOptional x, CelOptional y) => x.HasValue == y.HasValue && (!x.HasValue || AreEqual(x.Value, y.Value)),
            (ByteString x, ByteString y) => x.Equals(y),
            (DateTimeOffset or DateTime or Google.Protobuf.WellKnownTypes.Timestamp, DateTimeOffset or DateTime or Google.Protobuf.WellKnownTypes.Timestamp) =>
                CelConversions.ToInstant(a) == CelConversions.ToInstant(b),
            (TimeSpan or Google.Protobuf.WellKnownTypes.Duration, TimeSpan or Google.Protobuf.WellKnownTypes.Duration) =>
                CelConversions.ToTimeSpan(a) == CelConversions.ToTimeSpan(b),
            _ => a.GetType() == b.GetType() && a.Equals(b),
        };
    }

    /// <summary>"x in range": a list element equal to x, or a map key.</summary>
    public static bool Contains(object? range, object? value) => range switch
    {
        IDictionary map => value is not null && map.Contains(value),
        IList list => list.Cast<object?>().Any(item => AreEqual(item, value)),
        _ => throw new CelEvaluationException("no such overload"),
    };

    /// <summary>Numbers compare by value across int, uint and double (cel-go's heterogeneous equality).</summary>
    private static bool NumbersEqual(object a, object b) => a is double || b is double
        ? Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture)
        : Convert.ToDecimal(a, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToDecimal(b, System.Globalization.CultureInfo.InvariantCulture);

    private static bool ListsEqual(CelListValue typed, IList other)
    {
        if (typed.Count != other.Count)
        {
            return false;
        }

        if (typed.IsMap)
        {
            return other.Cast<object?>().All(entry =>
            {
                var key = typed.KeyOf(entry);
                var match = typed.FirstOrDefault(mine => AreEqual(typed.KeyOf(mine), key));
                return match is not null && AreEqual(match, entry);
            });
        }

        return other.Cast<object?>().All(item => typed.Any(mine => AreEqual(mine, item)));
    }
}
