using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>RFC 7386 JSON merge patch: objects merge member by member, null removes a member, anything else replaces.</summary>
internal static class JsonMergePatch
{
    /// <summary>Applies <paramref name="patch"/> to <paramref name="target"/> (which it may modify) and returns the result.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var targetObject = target as JsonObject ?? [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                targetObject.Remove(name);
                continue;
            }

            targetObject.TryGetPropertyValue(name, out var current);
            var merged = Apply(current, value);
            if (!ReferenceEquals(merged, current))
            {
                targetObject[name] = merged;
            }
        }

        return targetObject;
    }
}
