using System.Collections;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>CEL's string() of values, and value comparisons for the list and set functions.</summary>
internal static class CelConversions
{
    public static string ToCelString(object? value) => value switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        long or int or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => GoFormat.Float(d),
        Duration d => GoDuration.Format(d.Seconds * 1_000_000_000 + d.Nanos),
        Timestamp t => t.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        IList list => "[" + string.Join(", ", list.Cast<object?>().Select(ToCelString)) + "]",
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => ToCelString(k) + ": " + ToCelString(map[k]))) + "}",
        CelQuantity q => q.ToString(),
        _ => value.ToString() ?? "",
    };

    /// <summary>CEL equality of two values (numbers across types, lists in order, maps by key).</summary>
    public static new bool Equals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (long x, double y) => x == y,
        (double x, long y) => x == y,
        (int x, long y) => x == y,
        (long x, int y) => x == y,
        (IList x, IList y) => x.Count == y.Count && Enumerable.Range(0, x.Count).All(i => Equals(x[i], y[i])),
        (IDictionary x, IDictionary y) => x.Count == y.Count && x.Keys.Cast<object>().All(k => y.Contains(k) && Equals(x[k], y[k])),
        _ => a.Equals(b),
    };

    /// <summary>Orders two values of the same comparable CEL type (int, uint, double, string, bool, bytes, duration, timestamp).</summary>
    public static int Compare(object? a, object? b) => (a, b) switch
    {
        (long x, long y) => x.CompareTo(y),
        (long x, double y) => ((double)x).CompareTo(y),
        (double x, long y) => x.CompareTo(y),
        (double x, double y) => x.CompareTo(y),
        (ulong x, ulong y) => x.CompareTo(y),
        (string x, string y) => string.CompareOrdinal(x, y),
        (bool x, bool y) => x.CompareTo(y),
        (Duration x, Duration y) => x.CompareTo(y),
        (Timestamp x, Timestamp y) => x.CompareTo(y),
        (Google.Protobuf.ByteString x, Google.Protobuf.ByteString y) => x.Span.SequenceCompareTo(y.Span),
        _ => throw new CelEvaluationException("no such overload"),
    };
}
