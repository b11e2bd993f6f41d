using System.Collections;
using Cel;
using Google.Protobuf.WellKnownTypes;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// Kubernetes' list library (apiserver/pkg/cel/library/lists.go): isSorted, sum, min, max, indexOf, lastIndexOf;
/// and cel-go's sets extension: sets.contains, sets.equivalent, sets.intersects. Also size() of lists and maps
/// returning a CEL int (the Cel package's returns a 32-bit integer).
/// </summary>
internal static class CelLists
{
    public static void Register(CelEnvironment env)
    {
        env.RegisterFunction("size", [typeof(IList)], a => (long)((IList)a[0]!).Count);
        env.RegisterFunction("size", [typeof(IDictionary)], a => (long)((IDictionary)a[0]!).Count);
        env.RegisterFunction("size", [typeof(Google.Protobuf.ByteString)], a => (long)((Google.Protobuf.ByteString)a[0]!).Length);
        env.RegisterFunction("isSorted", [typeof(IList)], a => IsSorted((IList)a[0]!));
        env.RegisterFunction("sum", [typeof(IList)], a => Sum((IList)a[0]!));
        env.RegisterFunction("min", [typeof(IList)], a => Extreme((IList)a[0]!, "min", c => c < 0));
        env.RegisterFunction("max", [typeof(IList)], a => Extreme((IList)a[0]!, "max", c => c > 0));
        env.RegisterFunction("indexOf", [typeof(IList), typeof(object)], a => IndexOf((IList)a[0]!, a[1], last: false));
        env.RegisterFunction("lastIndexOf", [typeof(IList), typeof(object)], a => IndexOf((IList)a[0]!, a[1], last: true));
        env.RegisterFunction("contains", [typeof(CelNamespace), typeof(IList), typeof(IList)], a => Contains((IList)a[1]!, (IList)a[2]!));
        env.RegisterFunction("equivalent", [typeof(CelNamespace), typeof(IList), typeof(IList)], a => Contains((IList)a[1]!, (IList)a[2]!) && Contains((IList)a[2]!, (IList)a[1]!));
        env.RegisterFunction("intersects", [typeof(CelNamespace), typeof(IList), typeof(IList)], a => ((IList)a[2]!).Cast<object?>().Any(b => ((IList)a[1]!).Cast<object?>().Any(x => CelEquality.AreEqual(x, b))));
    }

    private static bool IsSorted(IList list)
    {
        for (var i = 1; i < list.Count; i++)
        {
            if (CelConversions.Compare(list[i - 1], list[i]) > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static object Sum(IList list)
    {
        if (list.Count == 0)
        {
            return 0L;
        }

        return list[0] switch
        {
            long => list.Cast<object?>().Aggregate(0L, (s, v) => checked(s + (long)v!)),
            double => list.Cast<object?>().Aggregate(0.0, (s, v) => s + Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)),
            ulong => list.Cast<object?>().Aggregate(0UL, (s, v) => checked(s + (ulong)v!)),
            Duration or TimeSpan => list.Cast<object?>().Aggregate(TimeSpan.Zero, (s, v) => s + CelConversions.ToTimeSpan(v)),
            _ => throw new CelEvaluationException("no such overload"),
        };
    }

    private static object? Extreme(IList list, string name, Func<int, bool> better)
    {
        if (list.Count == 0)
        {
            throw new CelEvaluationException($"{name} called on empty list");
        }

        var result = list[0];
        for (var i = 1; i < list.Count; i++)
        {
            if (better(CelConversions.Compare(list[i], result)))
            {
                result = list[i];
            }
        }

        return result;
    }

    private static long IndexOf(IList list, object? value, bool last)
    {
        var indexes = Enumerable.Range(0, list.Count);
        foreach (var i in last ? indexes.Reverse() : indexes)
        {
            if (CelEquality.AreEqual(list[i], value))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool Contains(IList list, IList sublist) =>
        sublist.Cast<object?>().All(b => list.Cast<object?>().Any(a => CelEquality.AreEqual(a, b)));
}
