using System.Globalization;
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Resources;

/// <summary>Reads and writes an object's <c>metadata</c> fields on its JSON form.</summary>
public static class Metadata
{
    public static JsonObject Of(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }

        return metadata;
    }

    public static string Name(JsonObject obj) => Text(obj, "name") ?? "";

    public static string? Namespace(JsonObject obj) => Text(obj, "namespace") is { Length: > 0 } ns ? ns : null;

    public static string? Uid(JsonObject obj) => Text(obj, "uid");

    public static string ResourceVersion(JsonObject obj) => Text(obj, "resourceVersion") ?? "";

    public static long ResourceVersionNumber(JsonObject obj) =>
        long.TryParse(ResourceVersion(obj), NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : 0;

    public static long Generation(JsonObject obj) => JsonValues.Long(obj["metadata"]?["generation"]) ?? 0;

    public static bool IsDeleting(JsonObject obj) => Text(obj, "deletionTimestamp") is not null;

    public static JsonObject? Labels(JsonObject obj) => obj["metadata"]?["labels"] as JsonObject;

    public static JsonObject? Annotations(JsonObject obj) => obj["metadata"]?["annotations"] as JsonObject;

    public static IReadOnlyList<string> Finalizers(JsonObject obj) =>
        (obj["metadata"]?["finalizers"] as JsonArray)?.Select(f => JsonValues.String(f) ?? "").ToList() ?? [];

    public static void SetFinalizers(JsonObject obj, IReadOnlyCollection<string> finalizers)
    {
        if (finalizers.Count == 0)
        {
            Of(obj).Remove("finalizers");
        }
        else
        {
            Of(obj)["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        }
    }

    public static IReadOnlyList<JsonObject> OwnerReferences(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];

    /// <summary>RFC 3339 in UTC with whole seconds, as metav1.Time is written.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTimestamp(JsonNode? node) =>
        JsonValues.String(node) is { } text &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private static string? Text(JsonObject obj, string field) => JsonValues.String(obj["metadata"]?[field]);
}
