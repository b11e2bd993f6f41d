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
        Duration or TimeSpan => GoDuration.Format(ToTimeSpan(value).Ticks * 100),
        Timestamp or DateTimeOffset or DateTime => ToInstant(value).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        IList list => "[" + string.Join(", ", list.Cast<object?>().Select(ToCelString)) + "]",
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => ToCelString(k) + ": " + ToCelString(map[k]))) + "}",
        CelQuantity q => q.ToString(),
        _ => value.ToString() ?? "",
    };

    /// <summary>A timestamp in any of the shapes the Cel package produces, as an instant.</summary>
    public static DateTimeOffset ToInstant(object? value) => value switch
    {
        DateTimeOffset offset => offset,
        DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, dateTime.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dateTime.Kind)),
        Timestamp timestamp => timestamp.ToDateTimeOffset(),
        _ => throw new CelEvaluationException("no such overload"),
    };

    /// <summary>A duration in any of the shapes the Cel package produces.</summary>
    public static TimeSpan ToTimeSpan(object? value) => value switch
    {
        TimeSpan span => span,
        Duration duration => duration.ToTimeSpan(),
        _ => throw new CelEvaluationException("no such overload"),
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
        (Duration or TimeSpan, Duration or TimeSpan) => ToTimeSpan(a).CompareTo(ToTimeSpan(b)),
        (Timestamp or DateTimeOffset or DateTime, Timestamp or DateTimeOffset or DateTime) => ToInstant(a).CompareTo(ToInstant(b)),
        (Google.Protobuf.ByteString x, Google.Protobuf.ByteString y) => x.Span.SequenceCompareTo(y.Span),
        _ => throw new CelEvaluationException("no such overload"),
    };
}
