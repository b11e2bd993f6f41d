using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// The old value that corresponds to a new one on an update (apiserver/pkg/cel/common/equality.go's
/// CorrelatedObject): object fields correlate by name, items of x-kubernetes-list-type=map lists by their keys,
/// items of other lists not at all. It decides both what oldSelf is and which errors ratchet (an unchanged value's
/// errors are not reported, so that a tightened schema does not block unrelated updates).
/// </summary>
internal static class Correlation
{
    /// <summary>The old value of property (or map entry) <paramref name="name"/>, or null when there is none to correlate.</summary>
    public static JsonNode? Field(JsonNode? newValue, JsonNode? oldValue, string name) =>
        newValue is JsonObject newObject && oldValue is JsonObject oldObject &&
        newObject.ContainsKey(name) && oldObject.TryGetPropertyValue(name, out var old) ? old : null;

    /// <summary>Whether <see cref="Field"/> found a counterpart (which may itself be a JSON null).</summary>
    public static bool HasField(JsonNode? newValue, JsonNode? oldValue, string name) =>
        newValue is JsonObject newObject && oldValue is JsonObject oldObject && newObject.ContainsKey(name) && oldObject.ContainsKey(name);

    /// <summary>The old item with the same map keys as item <paramref name="index"/> of a map list, or null.</summary>
    public static JsonNode? Item(JsonArray newList, JsonNode? oldValue, int index, SchemaNode listSchema)
    {
        if (listSchema.XListType != "map" || oldValue is not JsonArray oldList || newList[index] is not JsonObject item)
        {
            return null;
        }

        return oldList.OfType<JsonObject>().FirstOrDefault(old => listSchema.XListMapKeys.All(key =>
            JsonEquality.DeepEquals(item[key], old[key]) && item.ContainsKey(key) == old.ContainsKey(key)));
    }

    /// <summary>CachedDeepEqual: deep equality, where map lists compare item by item through their keys.</summary>
    public static bool Unchanged(JsonNode? newValue, JsonNode? oldValue, SchemaNode? schema)
    {
        switch (newValue, oldValue)
        {
            case (null, null):
                return true;
            case (JsonArray newList, JsonArray oldList) when schema is { XListType: "map", Items: { } items }:
                if (newList.Count != oldList.Count)
                {
                    return false;
                }

                for (var i = 0; i < newList.Count; i++)
                {
                    if (Item(newList, oldList, i, schema) is not { } old || !Unchanged(newList[i], old, items))
                    {
                        return false;
                    }
                }

                return true;
            case (JsonObject newObject, JsonObject oldObject) when schema is not null:
                return newObject.Count == oldObject.Count && newObject.All(p =>
                    oldObject.TryGetPropertyValue(p.Key, out var old) &&
                    Unchanged(p.Value, old, schema.Property(p.Key) ?? schema.AdditionalProperties));
            default:
                return JsonEquality.DeepEquals(newValue, oldValue);
        }
    }
}
