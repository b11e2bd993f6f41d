using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Resources;

/// <summary>
/// Typed reads of JSON values whatever backs them (parsed text or a value set in code), returning
/// null when absent or of another type rather than throwing.
/// </summary>
public static class JsonValues
{
    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static long? Long(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (value.TryGetValue<JsonElement>(out var element) && element.TryGetInt64(out var fromElement))
        {
            return fromElement;
        }

        return double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d)
            ? (long)d
            : null;
    }

    public static bool? Bool(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? value.GetValueKind() == JsonValueKind.True
            : null;

    /// <summary>The value as kubectl prints a cell or a label: strings bare, everything else as JSON.</summary>
    public static string Display(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
