using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>Strict field validation for the built-in kinds, from the field lists of KubernetesClient's model types.</summary>
public static class BuiltInSchemas
{
    /// <summary>
    /// The fields of <paramref name="obj"/> that the model type <paramref name="modelType"/> (typeof(V1Pod) ...) does not
    /// declare, nested, as ".spec.containers[0].foo". The real server's strict decoding names each without the leading
    /// dot: <c>unknown field "spec.containers[0].foo"</c>.
    /// </summary>
    public static IReadOnlyList<string> UnknownFields(Type modelType, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        ArgumentNullException.ThrowIfNull(obj);
        var unknown = new List<string>();
        ModelFields.For(modelType).CollectUnknown(obj, "", unknown);
        return unknown;
    }
}
