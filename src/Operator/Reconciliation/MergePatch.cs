using System.Text.Json.Nodes;

namespace ZkSync.Operator.Reconciliation;

/// <summary>
/// JSON merge patches (RFC 7386) computed from what is stored and what is wanted: objects merged field by field,
/// removed fields set to null, arrays and values replaced. Null when nothing differs, so an unchanged status is
/// never written.
/// </summary>
public static class MergePatch
{
    public static JsonObject? Diff(JsonObject? current, JsonObject desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var patch = new JsonObject();
        foreach (var (name, value) in desired)
        {
            var existing = current?[name];
            if (value is null)
            {
                if (existing is not null)
                {
                    patch[name] = null;
                }

                continue;
            }

            if (value is JsonObject desiredObject && existing is JsonObject existingObject)
            {
                if (Diff(existingObject, desiredObject) is { } nested)
                {
                    patch[name] = nested;
                }

                continue;
            }

            if (!JsonNode.DeepEquals(existing, value))
            {
                patch[name] = value.DeepClone();
            }
        }

        foreach (var (name, value) in current ?? [])
        {
            if (value is not null && !desired.ContainsKey(name))
            {
                patch[name] = null;
            }
        }

        return patch.Count == 0 ? null : patch;
    }
}
