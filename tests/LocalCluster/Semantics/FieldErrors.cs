using System.Globalization;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// The constructors of k8s.io/apimachinery's field.Error, writing the cause message as ErrorBody() does: the type's
/// text, then the bad value (strings quoted, numbers and booleans bare, composites as Go's %#v), then the detail.
/// </summary>
internal static class FieldErrors
{
    /// <summary>What (*field.Path)(nil).String() prints: errors at the root of a custom resource carry it as their field.</summary>
    public const string NilPath = "<nil>";

    public static FieldError Invalid(string field, object? value, string detail) =>
        new("FieldValueInvalid", field, WithDetail("Invalid value: " + BadValue(value), detail));

    public static FieldError TypeInvalid(string field, object? value, string detail) =>
        new("FieldValueTypeInvalid", field, WithDetail("Invalid value: " + BadValue(value), detail));

    public static FieldError Required(string field, string detail) =>
        new("FieldValueRequired", field, WithDetail("Required value", detail));

    public static FieldError Forbidden(string field, string detail) =>
        new("FieldValueForbidden", field, WithDetail("Forbidden", detail));

    public static FieldError Duplicate(string field, object? value) =>
        new("FieldValueDuplicate", field, "Duplicate value: " + BadValue(value));

    public static FieldError NotSupported(string field, object? value, IEnumerable<string> supported)
    {
        var values = supported.ToList();
        var detail = values.Count > 0 ? "supported values: " + string.Join(", ", values.Select(GoFormat.Quote)) : "";
        return new("FieldValueNotSupported", field, WithDetail("Unsupported value: " + BadValue(value), detail));
    }

    public static FieldError TooLong(string field, long maxLength) =>
        new("FieldValueTooLong", field, maxLength >= 0
            ? $"Too long: may not be more than {maxLength.ToString(CultureInfo.InvariantCulture)} bytes"
            : "Too long: value is too long");

    public static FieldError TooMany(string field, long actual, long max)
    {
        var detail = max >= 0 ? $"must have at most {max.ToString(CultureInfo.InvariantCulture)} items" : "has too many items";
        return new("FieldValueTooMany", field, actual >= 0
            ? $"Too many: {actual.ToString(CultureInfo.InvariantCulture)}: {detail}"
            : $"Too many: {detail}");
    }

    /// <summary>Joins a parent path and a child name as field.Path.Child does (a nil parent gives just the child).</summary>
    public static string Child(string? parent, string name) => string.IsNullOrEmpty(parent) ? name : parent + "." + name;

    /// <summary>field.Path.Key / Index: "spec.labels[app]", "spec.items[0]".</summary>
    public static string Key(string? parent, string key) => (parent ?? "") + "[" + key + "]";

    /// <summary>A path as its field.Path prints, "&lt;nil&gt;" for the root.</summary>
    public static string Display(string? path) => string.IsNullOrEmpty(path) ? NilPath : path;

    private static string BadValue(object? value) => value switch
    {
        null => GoFormat.Quote("null"),
        string s => GoFormat.Quote(s),
        long or int or double or bool => GoFormat.V(value),
        System.Text.Json.Nodes.JsonValue node => BadValue(GoFormat.Decode(node)),
        _ => GoFormat.SharpV(value),
    };

    private static string WithDetail(string body, string detail) => detail.Length == 0 ? body : body + ": " + detail;
}
