using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>The three patch formats kube-apiserver accepts on PATCH (server-side apply aside).</summary>
public static class Patches
{
    /// <summary>JSON merge patch (RFC 7386), as the server applies <c>application/merge-patch+json</c>.</summary>
    public static JsonNode ApplyMergePatch(JsonNode original, JsonNode patch)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(patch);
        return JsonMergePatch.Apply(original.DeepClone(), patch)
            ?? throw new PatchException("a merge patch must not replace the whole document with null");
    }

    /// <summary>JSON patch (RFC 6902: add, remove, replace, move, copy, test), as <c>application/json-patch+json</c>.</summary>
    public static JsonNode ApplyJsonPatch(JsonNode original, JsonArray operations)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(operations);
        return JsonPatch.Apply(original.DeepClone(), operations);
    }

    /// <summary>
    /// Strategic merge patch (<c>application/strategic-merge-patch+json</c>) for the built-in kinds the local server
    /// serves; <paramref name="modelType"/> is the KubernetesClient model (typeof(V1Pod) ...) that names the kind.
    /// </summary>
    public static JsonNode ApplyStrategicMergePatch(JsonNode original, JsonNode patch, Type modelType)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(modelType);
        return StrategicMergePatch.Apply(original.DeepClone(), patch, modelType);
    }
}
