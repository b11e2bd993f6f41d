using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>Strategic merge patch for built-in kinds (first version: merge-patch semantics; merge keys follow).</summary>
internal static class StrategicMergePatch
{
    public static JsonNode Apply(JsonNode original, JsonNode patch, Type modelType)
    {
        _ = modelType;
        return JsonMergePatch.Apply(original, patch) ?? throw new PatchException("the patch removed the whole document");
    }
}
