using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// Drops the fields a structural schema does not specify, as apiextensions-apiserver's pruning/algorithm.go does on
/// decoding: x-kubernetes-preserve-unknown-fields keeps unknown fields (but still prunes inside the fields it
/// specifies); apiVersion, kind and metadata stay at the root and in embedded resources, whose metadata is cut down
/// to ObjectMeta's fields instead (objectmeta/coerce.go).
/// </summary>
internal static class SchemaPruner
{
    private static readonly HashSet<string> MetaFields = new(StringComparer.Ordinal) { "apiVersion", "kind", "metadata" };

    /// <summary>
    /// Prunes <paramref name="root"/> (a whole custom resource) and returns the pruned paths ("spec.foo") in the order
    /// the server's decoding lists them: the root's unknown metadata fields, then the pruned fields sorted, then the
    /// unknown metadata fields of embedded resources.
    /// </summary>
    public static List<string> PruneResource(JsonObject root, SchemaNode schema, bool remove) => Prune(root, schema, isResourceRoot: true, remove);

    /// <summary>Prunes a value by its schema, as pruning.PruneWithOptions followed by objectmeta.Coerce.</summary>
    public static List<string> Prune(JsonNode? value, SchemaNode schema, bool isResourceRoot, bool remove)
    {
        var pruned = new List<string>();
        if (isResourceRoot && value is JsonObject root)
        {
            PruneObjectMeta(root, "", pruned, remove);
        }

        var fieldPaths = new List<string>();
        var embeddedMetadataPaths = new List<string>();
        Prune(value, schema, "", isResourceRoot || schema.XEmbeddedResource, new Paths(fieldPaths, embeddedMetadataPaths), remove);
        fieldPaths.Sort(StringComparer.Ordinal);
        pruned.AddRange(fieldPaths);
        pruned.AddRange(embeddedMetadataPaths);
        return pruned;
    }

    /// <summary>Prunes a value (a default) by the schema of its own node, as pruning.Prune(value, s, s.XEmbeddedResource).</summary>
    public static void PruneValue(JsonNode? value, SchemaNode schema) => Prune(value, schema, isResourceRoot: false, remove: true);

    /// <summary>Where pruned paths go: the pruned fields, and unknown fields of embedded resources' metadata.</summary>
    private sealed record Paths(List<string> Fields, List<string> EmbeddedMetadata);

    private static void Prune(JsonNode? value, SchemaNode? schema, string path, bool isEmbeddedResource, Paths pruned, bool remove)
    {
        if (schema is { XPreserveUnknownFields: true })
        {
            SkipPrune(value, schema, path, isEmbeddedResource, pruned, remove);
            return;
        }

        switch (value)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    var childPath = Join(path, name);
                    if (schema is null)
                    {
                        Drop(obj, name, childPath, pruned, remove);
                        continue;
                    }

                    if (isEmbeddedResource && MetaFields.Contains(name))
                    {
                        continue;
                    }

                    if (schema.Property(name) is { } property)
                    {
                        Prune(child, property, childPath, property.XEmbeddedResource, pruned, remove);
                    }
                    else if (schema.HasAdditionalProperties)
                    {
                        Prune(child, schema.AdditionalProperties, childPath, schema.AdditionalProperties?.XEmbeddedResource ?? false, pruned, remove);
                    }
                    else
                    {
                        Drop(obj, name, childPath, pruned, remove);
                    }
                }

                if (isEmbeddedResource && path.Length > 0)
                {
                    PruneObjectMeta(obj, path, pruned.EmbeddedMetadata, remove);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var items = schema?.Items;
                    Prune(array[i], items, $"{path}[{i}]", items?.XEmbeddedResource ?? false, pruned, remove);
                }

                break;
        }
    }

    private static void SkipPrune(JsonNode? value, SchemaNode schema, string path, bool isEmbeddedResource, Paths pruned, bool remove)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (isEmbeddedResource && MetaFields.Contains(name))
                    {
                        continue;
                    }

                    var childPath = Join(path, name);
                    if (schema.Property(name) is { } property)
                    {
                        Prune(child, property, childPath, property.XEmbeddedResource, pruned, remove);
                    }
                    else if (schema.AdditionalProperties is { } additional)
                    {
                        Prune(child, additional, childPath, additional.XEmbeddedResource, pruned, remove);
                    }
                }

                if (isEmbeddedResource && path.Length > 0)
                {
                    PruneObjectMeta(obj, path, pruned.EmbeddedMetadata, remove);
                }

                break;
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    SkipPrune(array[i], items, $"{path}[{i}]", items.XEmbeddedResource, pruned, remove);
                }

                break;
        }
    }

    /// <summary>Metadata keeps only ObjectMeta's fields, as the server's decoding into metav1.ObjectMeta does.</summary>
    private static void PruneObjectMeta(JsonObject resource, string path, List<string> pruned, bool remove)
    {
        if (resource["metadata"] is not JsonObject metadata)
        {
            return;
        }

        var unknown = new List<string>();
        ModelFields.For(typeof(k8s.Models.V1ObjectMeta)).CollectUnknown(metadata, "", unknown);
        foreach (var field in unknown)
        {
            pruned.Add(Join(path, "metadata" + field));
        }

        if (remove)
        {
            RemovePaths(metadata, unknown);
        }
    }

    private static void RemovePaths(JsonObject metadata, List<string> dottedPaths)
    {
        foreach (var dotted in dottedPaths)
        {
            // Unknown metadata fields are direct children or sit inside ownerReferences[i] / managedFields[i].
            var segments = dotted.TrimStart('.').Split('.');
            JsonNode? parent = metadata;
            for (var i = 0; i < segments.Length - 1 && parent is not null; i++)
            {
                parent = Step(parent, segments[i]);
            }

            (parent as JsonObject)?.Remove(segments[^1]);
        }
    }

    private static JsonNode? Step(JsonNode node, string segment)
    {
        var bracket = segment.IndexOf('[', StringComparison.Ordinal);
        if (bracket < 0)
        {
            return (node as JsonObject)?[segment];
        }

        var current = (node as JsonObject)?[segment[..bracket]];
        var index = int.Parse(segment[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
        return current is JsonArray array && index < array.Count ? array[index] : null;
    }

    /// <summary>Removes a field; apiVersion, kind and metadata at the top are removed without being reported (as upstream).</summary>
    private static void Drop(JsonObject obj, string name, string path, Paths pruned, bool remove)
    {
        if (!(MetaFields.Contains(name) && path == name))
        {
            pruned.Fields.Add(path);
        }

        if (remove)
        {
            obj.Remove(name);
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
