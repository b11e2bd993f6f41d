using System.Text.RegularExpressions;
using Cel;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>The Cel package's runtime errors in cel-go's words, which Kubernetes puts in its messages.</summary>
internal static partial class CelErrorText
{
    public static string Of(Exception error) => error switch
    {
        CelNoSuchFieldException e => FieldName().Match(e.Message) is { Success: true } m ? "no such key: " + m.Groups[1].Value : "no such key",
        CelTypeDoesNotSupportFieldSelectionException e => SelectedMember().Match(e.Message) is { Success: true } m ? "no such key: " + m.Groups[1].Value : "no such key",
        CelArgumentRangeException e when e.Message.StartsWith("Key", StringComparison.Ordinal) => "no such key",
        CelArgumentRangeException e when e.Message.StartsWith("Index out of range", StringComparison.Ordinal) => "index out of bounds",
        CelDivideByZeroException => "division by zero",
        CelModulusByZeroException => "modulus by zero",
        CelOverflowException or OverflowException => "integer overflow",
        CelEvaluationException e => e.Message,
        _ => "no such overload",
    };

    /// <summary>The last name of the member a selection failed on ("Type 'self.a1.d2' does not support field selection ...").</summary>
    [GeneratedRegex(@"^Type '(?:[^']*\.)?([^'.]*)' does not support field selection")]
    private static partial Regex SelectedMember();

    /// <summary>"no such key: name" for the Cel package's marker of an absent field.</summary>
    public static string NoSuchKey(object? absent) =>
        absent?.GetType().GetProperty("Message")?.GetValue(absent) is string message && FieldName().Match(message) is { Success: true } m
            ? "no such key: " + m.Groups[1].Value
            : "no such key";

    /// <summary>Whether an exception is an evaluation error of a rule (as opposed to a bug of ours).</summary>
    public static bool IsEvaluationError(Exception e) =>
        e is CelException or CelEvaluationException or InvalidCastException or ArgumentException or OverflowException or FormatException or NullReferenceException or KeyNotFoundException;

    [GeneratedRegex("select field '([^']*)'")]
    private static partial Regex FieldName();
}
