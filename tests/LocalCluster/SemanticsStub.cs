// THROWAWAY stub of the Semantics library's API (another helper's work): deleted once it lands on main.
#pragma warning disable
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

public sealed record FieldError(string Reason, string Field, string Message);

public sealed class SchemaException : Exception { public SchemaException() { } public SchemaException(string m) : base(m) { } public SchemaException(string m, Exception i) : base(m, i) { } }

public sealed class PatchException : Exception { public PatchException() { } public PatchException(string m) : base(m) { } public PatchException(string m, Exception i) : base(m, i) { } }

public sealed class CustomResourceSchema
{
    public static CustomResourceSchema FromOpenApiV3(JsonObject openApiV3Schema) => new();
    public void ApplyDefaults(JsonObject obj) { }
    public void Prune(JsonObject obj) { }
    public IReadOnlyList<string> UnknownFields(JsonObject obj) => [];
    public IReadOnlyList<FieldError> Validate(JsonObject obj, JsonObject? oldObj) => [];
}

public static class BuiltInSchemas
{
    public static IReadOnlyList<string> UnknownFields(Type modelType, JsonObject obj) => [];
}

public static class Patches
{
    public static JsonNode ApplyMergePatch(JsonNode original, JsonNode patch)
    {
        if (patch is not JsonObject p) return patch.DeepClone();
        var result = original is JsonObject o ? (JsonObject)o.DeepClone() : new JsonObject();
        foreach (var (k, v) in p.ToList())
        {
            if (v is null) { result.Remove(k); continue; }
            var existing = result[k];
            result[k] = v is JsonObject ? ApplyMergePatch(existing ?? new JsonObject(), v) : v.DeepClone();
        }
        return result;
    }
    public static JsonNode ApplyJsonPatch(JsonNode original, JsonArray operations) => throw new PatchException("stub");
    public static JsonNode ApplyStrategicMergePatch(JsonNode original, JsonNode patch, Type modelType) => ApplyMergePatch(original, patch);
}

public static class JsonPathTemplate
{
    public static IReadOnlyList<JsonNode?> Evaluate(JsonNode root, string jsonPath)
    {
        JsonNode? node = root;
        foreach (var part in jsonPath.Trim('{', '}').TrimStart('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var v) ? v : null;
            if (node is null) return [];
        }
        return [node];
    }
}
